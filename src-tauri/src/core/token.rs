//! ES256 tokens (JWT) for the App Store Connect API.
//!
//! The header is encoded once per [`Signer`]; each token costs one JSON
//! encoding of the claims and one P-256 signature with the already-parsed key
//! (no PEM parsing per token). The signature is the raw 64-byte r‖s that JWS
//! requires; Apple rejects DER signatures.

use crate::core::credentials::Credentials;
use crate::core::ids::KeyKind;
use crate::core::key::PrivateKey;
use crate::core::problem::Code;
use crate::core::Problem;
use base64ct::{Base64UrlUnpadded, Encoding};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

/// The audience every App Store Connect token names.
pub const AUDIENCE: &str = "appstoreconnect-v1";
/// `iat` is backdated by this much so a clock running a little fast does not
/// put `iat` in Apple's future (which Apple refuses).
pub const IAT_BACKDATE_SECS: u64 = 60;

/// How long a token lives (`exp − iat`). Apple refuses more than 20 minutes,
/// so a value of this type can never exceed 1200 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lifetime(u16);

impl Lifetime {
    /// The longest lifetime Apple accepts for `/v1/apps`: 20 minutes.
    pub const MAX: Lifetime = Lifetime(1200);
    /// What a verify run uses: 5 minutes. Each token is made for one request and sent at once
    /// (retries wait at most the run's 45 s budget), so a longer life would only widen what a
    /// leaked token could do.
    pub const DEFAULT: Lifetime = Lifetime(300);

    /// `1..=1200` seconds, else `token_lifetime_invalid`.
    pub fn new(secs: u64) -> Result<Self, Problem> {
        if (1..=Self::MAX.0 as u64).contains(&secs) {
            Ok(Lifetime(secs as u16))
        } else {
            Err(Problem::new(
                Code::TokenLifetimeInvalid,
                format!(
                    "A token lifetime of {secs} seconds is not allowed: Apple accepts at most 20 minutes (1200 seconds)."
                ),
                "Choose a lifetime between 1 and 1200 seconds.",
            ))
        }
    }

    pub fn secs(self) -> u64 {
        self.0 as u64
    }
}

impl Default for Lifetime {
    fn default() -> Self {
        Lifetime::DEFAULT
    }
}

impl TryFrom<u64> for Lifetime {
    type Error = Problem;
    fn try_from(secs: u64) -> Result<Self, Problem> {
        Lifetime::new(secs)
    }
}

impl TryFrom<Duration> for Lifetime {
    type Error = Problem;
    fn try_from(d: Duration) -> Result<Self, Problem> {
        Lifetime::new(d.as_secs())
    }
}

/// The JWT header (fixed apart from `kid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub alg: String,
    pub kid: String,
    pub typ: String,
}

/// The claims of an App Store Connect token. Team keys carry `iss`;
/// individual keys carry `sub: "user"` and no `iss`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    pub iat: u64,
    pub exp: u64,
    pub aud: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Vec<String>>,
}

/// A signed token. Zeroized on drop; `Debug` and `Display` never show it.
pub struct Token(Zeroizing<String>);

impl Token {
    /// The compact JWS, only for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Signs tokens for one key and one set of IDs.
pub struct Signer<'a> {
    key: &'a PrivateKey,
    header_b64: String,
    issuer: Option<String>,
    kind: KeyKind,
    lifetime: Lifetime,
    scope: Option<Vec<String>>,
    /// Seconds added to this computer's clock when signing (Apple's clock minus ours): set only
    /// when Apple refused a token from a clock that is off and its `Date` said by how much.
    clock_offset_s: i64,
}

impl fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("kind", &self.kind)
            .field("lifetime", &self.lifetime)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl<'a> Signer<'a> {
    /// A signer with the default lifetime and no scope. A team key without an
    /// Issuer ID is refused (`issuer_id_missing`).
    pub fn new(creds: &Credentials<'a>) -> Result<Self, Problem> {
        let issuer = match creds.kind {
            KeyKind::Team => match creds.issuer_id.map(str::trim).filter(|s| !s.is_empty()) {
                Some(iss) => Some(iss.to_owned()),
                None => return Err(crate::core::ids::missing_issuer_id()),
            },
            KeyKind::Individual => None,
        };
        let header = Header {
            alg: "ES256".into(),
            kid: creds.key_id.to_owned(),
            typ: "JWT".into(),
        };
        let header_json = serde_json::to_vec(&header).expect("header encodes");
        Ok(Signer {
            key: creds.key,
            header_b64: Base64UrlUnpadded::encode_string(&header_json),
            issuer,
            kind: creds.kind,
            lifetime: Lifetime::DEFAULT,
            scope: None,
            clock_offset_s: 0,
        })
    }

    pub fn with_lifetime(mut self, lifetime: Lifetime) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Sign on Apple's clock: `offset_s` = Apple's clock minus this computer's.
    pub fn with_clock_offset(mut self, offset_s: i64) -> Self {
        self.clock_offset_s = offset_s;
        self
    }

    /// Restrict tokens to these requests (`"GET /v1/apps?limit=1"`, …).
    pub fn with_scope<I, S>(mut self, scope: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scope = Some(scope.into_iter().map(Into::into).collect());
        self
    }

    /// The claims a token signed at `now` carries.
    pub fn claims_at(&self, now: SystemTime) -> Claims {
        self.claims_for(now, self.scope.clone())
    }

    fn claims_for(&self, now: SystemTime, scope: Option<Vec<String>>) -> Claims {
        let now_s = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let iat = now_s.saturating_sub(IAT_BACKDATE_SECS);
        Claims {
            iss: self.issuer.clone(),
            sub: match self.kind {
                KeyKind::Team => None,
                KeyKind::Individual => Some("user".into()),
            },
            iat,
            exp: iat + self.lifetime.secs(),
            aud: AUDIENCE.into(),
            scope,
        }
    }

    /// A fresh token for the current time (on Apple's clock when an offset was set).
    pub fn sign(&self) -> Token {
        self.sign_at(self.now())
    }

    /// This computer's time, moved by the clock offset (if any).
    fn now(&self) -> SystemTime {
        let now = SystemTime::now();
        let off = Duration::from_secs(self.clock_offset_s.unsigned_abs());
        if self.clock_offset_s >= 0 {
            now + off
        } else {
            now.checked_sub(off).unwrap_or(now)
        }
    }

    pub fn sign_at(&self, now: SystemTime) -> Token {
        self.sign_claims(&self.claims_at(now))
    }

    /// A fresh token that opens exactly one request: Apple's `scope` claim holds
    /// `"<METHOD> <path?query>"` as sent (e.g. `"GET /v1/apps?limit=1"`), so a token that leaks
    /// cannot be used for anything else. Every request the app makes gets its own.
    pub fn sign_request(&self, method: &str, path_and_query: &str) -> Token {
        self.sign_request_at(self.now(), method, path_and_query)
    }

    pub fn sign_request_at(&self, now: SystemTime, method: &str, path_and_query: &str) -> Token {
        let scope = vec![format!("{method} {path_and_query}")];
        self.sign_claims(&self.claims_for(now, Some(scope)))
    }

    fn sign_claims(&self, claims: &Claims) -> Token {
        let claims = serde_json::to_vec(claims).expect("claims encode");
        let claims_b64 = Base64UrlUnpadded::encode_string(&claims);
        let mut out = Zeroizing::new(String::with_capacity(
            self.header_b64.len() + claims_b64.len() + 90,
        ));
        out.push_str(&self.header_b64);
        out.push('.');
        out.push_str(&claims_b64);
        // ES256 = ECDSA P-256 with SHA-256 over "header.claims". Hedged nonces
        // (RFC 6979 plus fresh randomness) make a retry within the same second
        // a genuinely new token rather than a byte-identical copy.
        let sig = self.key.sign_es256(out.as_bytes());
        out.push('.');
        out.push_str(&Base64UrlUnpadded::encode_string(&sig));
        Token(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::{signature::Verifier, Signature};

    fn key() -> PrivateKey {
        PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng))
    }

    fn split(token: &Token) -> (Header, Claims, Vec<u8>) {
        let parts: Vec<&str> = token.expose().split('.').collect();
        assert_eq!(parts.len(), 3);
        let h = serde_json::from_slice(&Base64UrlUnpadded::decode_vec(parts[0]).unwrap()).unwrap();
        let c = serde_json::from_slice(&Base64UrlUnpadded::decode_vec(parts[1]).unwrap()).unwrap();
        (h, c, Base64UrlUnpadded::decode_vec(parts[2]).unwrap())
    }

    #[test]
    fn lifetime_is_bounded() {
        assert!(Lifetime::new(0).is_err());
        assert_eq!(Lifetime::new(1200).unwrap(), Lifetime::MAX);
        assert_eq!(
            Lifetime::new(1201).unwrap_err().code,
            "token_lifetime_invalid"
        );
        assert!(Lifetime::try_from(Duration::from_secs(3600)).is_err());
        assert_eq!(Lifetime::default().secs(), 300);
    }

    #[test]
    fn team_token_has_apples_shape() {
        let k = key();
        let creds = Credentials {
            key: &k,
            key_id: "2X9R4HXF34",
            issuer_id: Some("57246542-96fe-1a63-e053-0824d011072a"),
            kind: KeyKind::Team,
        };
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let token = Signer::new(&creds).unwrap().sign_at(now);
        let (h, c, sig) = split(&token);
        assert_eq!(
            h,
            Header {
                alg: "ES256".into(),
                kid: "2X9R4HXF34".into(),
                typ: "JWT".into()
            }
        );
        assert_eq!(
            c.iss.as_deref(),
            Some("57246542-96fe-1a63-e053-0824d011072a")
        );
        assert_eq!(c.sub, None);
        assert_eq!(c.aud, AUDIENCE);
        assert_eq!(c.iat, 1_800_000_000 - 60);
        assert_eq!(c.exp - c.iat, 300);
        assert_eq!(c.scope, None);
        let (_, scoped, _) = split(&Signer::new(&creds).unwrap().sign_request_at(
            now,
            "GET",
            "/v1/apps?limit=1",
        ));
        assert_eq!(scoped.scope, Some(vec!["GET /v1/apps?limit=1".to_string()]));
        assert_eq!((scoped.iat, scoped.exp), (c.iat, c.exp));
        assert_eq!(sig.len(), 64, "raw r||s, not DER");
        let (signed, _) = token.expose().rsplit_once('.').unwrap();
        let sig = Signature::from_slice(&sig).unwrap();
        k.verifying_key().verify(signed.as_bytes(), &sig).unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        let again = Signer::new(&creds).unwrap().sign_at(now);
        assert_ne!(
            again.expose(),
            token.expose(),
            "a re-signed token must differ"
        );
    }

    #[test]
    fn individual_token_uses_sub_user_and_scope() {
        let k = key();
        let creds = Credentials {
            key: &k,
            key_id: "ABCDEFGHIJ",
            issuer_id: Some("ignored"),
            kind: KeyKind::Individual,
        };
        let signer = Signer::new(&creds)
            .unwrap()
            .with_lifetime(Lifetime::MAX)
            .with_scope(["GET /v1/apps"]);
        let (_, c, _) = split(&signer.sign());
        assert_eq!(c.iss, None);
        assert_eq!(c.sub.as_deref(), Some("user"));
        assert_eq!(c.exp - c.iat, 1200);
        assert_eq!(c.scope, Some(vec!["GET /v1/apps".to_string()]));
    }

    #[test]
    fn team_key_without_issuer_is_refused() {
        let k = key();
        let creds = Credentials {
            key: &k,
            key_id: "ABCDEFGHIJ",
            issuer_id: Some("  "),
            kind: KeyKind::Team,
        };
        assert_eq!(Signer::new(&creds).unwrap_err().code, "issuer_id_missing");
    }
}
