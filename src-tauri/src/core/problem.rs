//! The one error shape shared by the core, the CLI's `--json`, the Tauri commands and the UI:
//! `{code, message, hint}`, where `code` is one of a closed set ([`Code`]) whose class decides
//! the CLI's exit code and how the wizard shows it.
//!
//! This file holds the codes: every `Code` with its `Class` (one table), and the way out a face
//! may offer for a code; `shape.rs` holds `Problem`, `Note` and `WayOut`.

mod shape;

pub use shape::{Note, Problem, WayOut, Words};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What a code means for the person (and the exit code): the one place that decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Fine, or repaired / noted: the key can be used (exit 0).
    Usable,
    /// The key or the input is not usable, or a saved key is not there (exit 1).
    NotUsable,
    /// The request was wrong or incomplete: flags, IDs, config, labels (exit 2).
    Usage,
    /// Apple or the dashboard answered and said no (exit 3).
    Refused,
    /// No usable answer: network, time-out, rate limit, outage, malformed reply (exit 4).
    NoAnswer,
    /// The keychain or local storage failed (exit 5).
    Storage,
}

impl Class {
    /// The process exit code for this class, the same for every subcommand.
    pub const fn exit_code(self) -> i32 {
        match self {
            Class::Usable => 0,
            Class::NotUsable => 1,
            Class::Usage => 2,
            Class::Refused => 3,
            Class::NoAnswer => 4,
            Class::Storage => 5,
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $text:literal : $class:ident,)*) => {
        /// Every code the app emits. Serialised as its snake_case string, unchanged since the
        /// codes were free strings, so `--json`, the keychain index and the UI see no change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in the order of the table above (docs and UI tests walk it).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            pub const fn class(self) -> Class {
                match self { $(Code::$variant => Class::$class,)* }
            }
        }
    };
}

codes! {
    // The offline check: repairs and normalisations (notes).
    BomRemoved = "bom_removed": Usable,
    CrlfNormalized = "crlf_normalized": Usable,
    EscapedNewlines = "escaped_newlines": Usable,
    QuotesRemoved = "quotes_removed": Usable,
    WhitespaceTrimmed = "whitespace_trimmed": Usable,
    Rewrapped = "rewrapped": Usable,
    BodyOnlyWrapped = "body_only_wrapped": Usable,
    Base64FileDecoded = "base64_file_decoded": Usable,
    Sec1Converted = "sec1_converted": Usable,
    DerConverted = "der_converted": Usable,
    FastlaneJson = "fastlane_json": Usable,
    PublicKeyDerived = "public_key_derived": Usable,
    KeyIdNormalized = "key_id_normalized": Usable,
    IssuerIdNormalized = "issuer_id_normalized": Usable,
    // Keys as the wild hands them over: Windows tools, word processors, e-mail and web pages.
    Utf16Decoded = "utf16_decoded": Usable,
    RtfDecoded = "rtf_decoded": Usable,
    DashesRestored = "dashes_restored": Usable,
    InvisibleCharactersRemoved = "invisible_characters_removed": Usable,
    HtmlDecoded = "html_decoded": Usable,
    EmailQuotesRemoved = "email_quotes_removed": Usable,
    QuotedPrintableDecoded = "quoted_printable_decoded": Usable,
    EmailAttachmentDecoded = "email_attachment_decoded": Usable,
    // Warnings: the key is fine, something around it deserves a look.
    KeyIdMismatch = "key_id_mismatch": Usable,
    IssuerIdMismatch = "issuer_id_mismatch": Usable,
    SubscriptionKey = "subscription_key": Usable,
    IndividualKey = "individual_key": Usable,
    XcrunMacosOnly = "xcrun_macos_only": Usable,
    // Apple accepted the key only when signed on its own clock: this computer's clock is off.
    ClockOffset = "clock_offset": Usable,
    // The offline check: problems (the key is not usable).
    Empty = "empty": NotUsable,
    TooLarge = "too_large": NotUsable,
    FileNotFound = "file_not_found": NotUsable,
    NotAFile = "not_a_file": NotUsable,
    ReadFailed = "read_failed": NotUsable,
    NotAKey = "not_a_key": NotUsable,
    Truncated = "truncated": NotUsable,
    BadBase64 = "bad_base64": NotUsable,
    BadDer = "bad_der": NotUsable,
    MultipleKeys = "multiple_keys": NotUsable,
    EncryptedKey = "encrypted_key": NotUsable,
    PublicKeyNotPrivate = "public_key_not_private": NotUsable,
    CertificateNotKey = "certificate_not_key": NotUsable,
    Pkcs12NotKey = "pkcs12_not_key": NotUsable,
    RsaKey = "rsa_key": NotUsable,
    WrongKeyType = "wrong_key_type": NotUsable,
    WrongCurve = "wrong_curve": NotUsable,
    InvalidScalar = "invalid_scalar": NotUsable,
    PublicKeyMismatch = "public_key_mismatch": NotUsable,
    WordDocument = "word_document": NotUsable,
    AutocorrectedKey = "autocorrected_key": NotUsable,
    DamagedInTransit = "damaged_in_transit": NotUsable,
    KeyIdFormat = "key_id_format": Usage,
    // A malformed ID is the request's fault (exit 2); in `check` the report decides (exit 1).
    IssuerIdFormat = "issuer_id_format": Usage,
    NotFound = "not_found": NotUsable,
    // Apple's answers.
    Valid = "valid": Usable,
    // A saved key never tested with Apple (the Saved keys screen's outcome for it).
    NotTested = "not_tested": Usable,
    // An outcome in an older index that this version does not know (its text kept in `detail`).
    UnknownOutcome = "unknown_outcome": Usage,
    NotAuthorized = "not_authorized": Refused,
    ClockSkew = "clock_skew": Refused,
    // After a 401, a follow-up found what was wrong: the key is the other kind, or its Key ID is
    // the one in the file name (the request was wrong; the key works).
    KeyIsIndividual = "key_is_individual": Usage,
    KeyIsTeam = "key_is_team": Usage,
    KeyIdFromFileName = "key_id_from_file_name": Usage,
    ForbiddenRole = "forbidden_role": Refused,
    AgreementRequired = "agreement_required": Refused,
    Forbidden = "forbidden": Refused,
    RateLimited = "rate_limited": NoAnswer,
    AppleUnavailable = "apple_unavailable": NoAnswer,
    NetworkUnreachable = "network_unreachable": NoAnswer,
    NetworkTimeout = "network_timeout": NoAnswer,
    NetworkInterrupted = "network_interrupted": NoAnswer,
    TlsError = "tls_error": NoAnswer,
    AppleBadResponse = "apple_bad_response": NoAnswer,
    // Requests that cannot be made as given.
    ApiBaseNotHttps = "api_base_not_https": Usage,
    ApiBaseInvalid = "api_base_invalid": Usage,
    IssuerIdMissing = "issuer_id_missing": Usage,
    KeyIdMissing = "key_id_missing": Usage,
    TokenLifetimeInvalid = "token_lifetime_invalid": Usage,
    LabelTooLong = "label_too_long": Usage,
    LabelInvalid = "label_invalid": Usage,
    ConfigUnreadable = "config_unreadable": Usage,
    ConfigInvalid = "config_invalid": Usage,
    ConfigInvalidUrl = "config_invalid_url": Usage,
    // A platform build: the destination is compiled in; --config and --to cannot change it.
    DestinationFixed = "destination_fixed": Usage,
    ProfileInvalid = "profile_invalid": Usage,
    // The dashboard's setup link: damaged, already used, or naming a host not yet confirmed.
    SetupLinkInvalid = "setup_link_invalid": Usage,
    SetupLinkUsed = "setup_link_used": Usage,
    DestinationUnconfirmed = "destination_unconfirmed": Usage,
    // Two or more setup links wait and the merchant has not chosen one.
    SetupLinkChoiceNeeded = "setup_link_choice_needed": Usage,
    // The dashboard could not say whose account a link's code belongs to, or it was not confirmed.
    AccountUnconfirmed = "account_unconfirmed": Usage,
    // A platform build's updates.
    UpdateSignatureInvalid = "update_signature_invalid": Refused,
    UpdateUnavailable = "update_unavailable": NoAnswer,
    UpdateFailed = "update_failed": Storage,
    UnknownFormat = "unknown_format": Usage,
    UploadNotConfigured = "upload_not_configured": Usage,
    MissingToken = "missing_token": Usage,

    // The dashboard's answers.
    UploadUnauthorized = "upload_unauthorized": Refused,
    UploadRejected = "upload_rejected": Refused,
    TokenInvalid = "token_invalid": Usage,
    UploadUnavailable = "upload_unavailable": NoAnswer,
    // The keychain, the index and files.
    KeychainUnavailable = "keychain_unavailable": Storage,
    KeychainLocked = "keychain_locked": Storage,
    KeychainDenied = "keychain_denied": Storage,
    KeyExistsDifferent = "key_exists_different": Storage,
    KeychainWriteFailed = "keychain_write_failed": Storage,
    KeychainItemDamaged = "keychain_item_damaged": Storage,
    IndexUnreadable = "index_unreadable": Storage,
    IndexWriteFailed = "index_write_failed": Storage,
    // The saved key was replaced while Apple was asked about it: nothing recorded, and the key
    // now saved has no answer yet (exit 4, as for no answer).
    KeyChangedDuringTest = "key_changed_during_test": NoAnswer,
    StorageUnavailable = "storage_unavailable": Storage,
    WriteFailed = "write_failed": Storage,
    // A file in the way: nothing was written (exit 5, as for every refused local write).
    FileExists = "file_exists": Storage,
    FolderIsSymlink = "folder_is_symlink": Storage,
    // An export not named with --out would land in a git work tree that does not ignore it.
    ExportInRepository = "export_in_repository": Usage,
    // `export --set-secrets`: gh is not installed, or `gh secret set` failed (GitHub refused).
    GhMissing = "gh_missing": Usage,
    // The embedded App Store Connect window: it could not open (or its stand-in address was not
    // this computer), and Apple's answer to a second download of the same key (410).
    AscWindowFailed = "asc_window_failed": Usage,
    KeyAlreadyDownloaded = "key_already_downloaded": Refused,
    GhFailed = "gh_failed": Refused,
    // The wizard's own.
    NoKeySelected = "no_key_selected": Usage,
    IdsNotChecked = "ids_not_checked": Usage,
    NoFile = "no_file": Usage,
    KeyMissing = "key_missing": Usage,
    NoDashboard = "no_dashboard": Usage,
    BadDestination = "bad_destination": Usage,
    Cancelled = "cancelled": NoAnswer,
    DialogFailed = "dialog_failed": Storage,
    // The download folder could not be watched, or the download not moved to the trash.
    WatchFailed = "watch_failed": Storage,
    TrashFailed = "trash_failed": Storage,
    // Done's trash offer: the safe copy was read back at the click and is gone or another key.
    SafeCopyMissing = "safe_copy_missing": Storage,
    OpenFailed = "open_failed": Storage,
    Internal = "internal": Storage,
}

impl Code {
    /// The way out a face may offer for any problem with this code, knowing only the code (the
    /// wizard's buttons and fields; a problem's hint words only its own `Problem::way_out`).
    pub const fn way_out(self) -> Option<WayOut> {
        match self {
            Code::KeyExistsDifferent | Code::KeychainItemDamaged => Some(WayOut::ReplaceSaved),
            Code::UploadUnauthorized | Code::MissingToken => Some(WayOut::SetupToken),
            _ => None,
        }
    }

    /// The code named by `s`, if it is one.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = String::deserialize(d)?;
        Code::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown code `{s}`")))
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.as_str().to_owned()
    }
}

// Comparisons with the strings that `--json` and the UI use (tests and callers compare freely).
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{s}"
            );
            assert_eq!(Code::parse(s), Some(*c));
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{s}\""));
            assert_eq!(
                serde_json::from_str::<Code>(&format!("\"{s}\"")).unwrap(),
                *c
            );
        }
        assert!(serde_json::from_str::<Code>("\"token_missing\"").is_err());
    }

    #[test]
    fn classes_give_the_documented_exit_codes() {
        assert_eq!(Code::Valid.class().exit_code(), 0);
        assert_eq!(Code::NotAKey.class().exit_code(), 1);
        assert_eq!(Code::NotFound.class().exit_code(), 1);
        assert_eq!(Code::ApiBaseNotHttps.class().exit_code(), 2);
        assert_eq!(Code::NotAuthorized.class().exit_code(), 3);
        assert_eq!(Code::UploadUnauthorized.class().exit_code(), 3);
        assert_eq!(Code::NetworkTimeout.class().exit_code(), 4);
        assert_eq!(Code::UploadUnavailable.class().exit_code(), 4);
        assert_eq!(Code::KeychainLocked.class().exit_code(), 5);
    }
}
