//! ES256 tokens for the App Store Connect API. (Stub: the verify work fills this in.)
