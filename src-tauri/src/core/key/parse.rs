//! DER-level classification and strict P-256 parsing.
//!
//! Given decoded bytes, decide what they are (PKCS#8, SEC1, SPKI, X.509,
//! PKCS#12, PKCS#1 RSA, encrypted PKCS#8, …) and, for an EC key on P-256,
//! return the validated secret scalar. Structures are read with `der`,
//! `pkcs8`, `sec1` and `spki`; only PKCS#12's BER form gets a prefix check,
//! because `der` cannot read indefinite lengths.

use crate::core::problem::Code;
use crate::core::{Note, Problem};
use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use p256::pkcs8::ObjectIdentifier;
use p256::{PublicKey, SecretKey};

const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// A key that parsed and validated, plus what had to be done to get there.
pub(crate) struct Parsed {
    pub secret: SecretKey,
    pub notes: Vec<Note>,
    /// Public keys embedded in the file (SEC1 point encodings); the caller
    /// compares them with the derived one (see `public_key_matches`).
    pub embedded_publics: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parsed")
            .field("notes", &self.notes)
            .finish_non_exhaustive()
    }
}

/// Parse DER bytes into a P-256 secret key, or say precisely what they are instead.
pub(crate) fn parse_der(der: &[u8]) -> Result<Parsed, Problem> {
    if let Ok(info) = pkcs8::PrivateKeyInfo::try_from(der) {
        return from_pkcs8(&info);
    }
    let Ok(any) = AnyRef::try_from(der) else {
        if looks_like_ber_pfx(der) {
            return Err(pkcs12());
        }
        return Err(bad_der());
    };
    if any.tag() != Tag::Sequence {
        return Err(bad_der());
    }
    let Some(items) = elements(any.value()) else {
        return Err(bad_der());
    };
    let tags: Vec<Tag> = items.iter().map(|i| i.tag()).collect();
    let int_is = |i: usize, v: u8| {
        items
            .get(i)
            .is_some_and(|a| a.tag() == Tag::Integer && a.value() == [v])
    };

    match tags.as_slice() {
        [Tag::Sequence, Tag::OctetString] if algorithm_oid(items[0]).is_some() => Err(encrypted()),
        [Tag::Sequence, Tag::BitString] => Err(public_key()),
        [Tag::Sequence, Tag::Sequence, Tag::BitString] => Err(certificate()),
        [Tag::Integer, Tag::Sequence, ..] if int_is(0, 3) => Err(pkcs12()),
        [Tag::Integer, Tag::OctetString, ..] if int_is(0, 1) => from_sec1(der),
        [Tag::Integer, Tag::Integer] => Err(public_key()),
        // PKCS#1 RSAPrivateKey: version + 8 integers.
        ints if ints.len() >= 9 && ints.iter().all(|t| *t == Tag::Integer) && int_is(0, 0) => {
            Err(rsa())
        }
        // OpenSSL's traditional DSA private key: version + p, q, g, y, x.
        ints if ints.len() == 6 && ints.iter().all(|t| *t == Tag::Integer) && int_is(0, 0) => {
            Err(wrong_key_type("a DSA key"))
        }
        _ => Err(bad_der()),
    }
}

/// The elements of a SEQUENCE body, or `None` if they do not decode.
fn elements(body: &[u8]) -> Option<Vec<AnyRef<'_>>> {
    let mut reader = SliceReader::new(body).ok()?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(AnyRef::decode(&mut reader).ok()?);
    }
    Some(out)
}

/// The OID at the start of an AlgorithmIdentifier-shaped SEQUENCE.
fn algorithm_oid(seq: AnyRef<'_>) -> Option<ObjectIdentifier> {
    let items = elements(seq.value())?;
    items.first()?.decode_as::<ObjectIdentifier>().ok()
}

/// PFX as Keychain and Windows write it: BER with an indefinite-length outer
/// SEQUENCE, then `INTEGER 3`.
fn looks_like_ber_pfx(der: &[u8]) -> bool {
    match der {
        [0x30, 0x80, 0x02, 0x01, 0x03, ..] => true,
        [0x30, len, rest @ ..] if *len > 0x80 && *len <= 0x84 => {
            let skip = (*len - 0x80) as usize;
            rest.get(skip..skip + 3) == Some(&[0x02, 0x01, 0x03])
        }
        _ => false,
    }
}

fn from_pkcs8(info: &pkcs8::PrivateKeyInfo<'_>) -> Result<Parsed, Problem> {
    let oid = info.algorithm.oid;
    if oid != ID_EC_PUBLIC_KEY {
        return Err(match key_type_name(oid) {
            KeyType::Rsa => rsa(),
            KeyType::Other(name) => wrong_key_type(&name),
        });
    }
    let curve = info.algorithm.parameters_oid().map_err(|_| bad_der())?;
    if curve != PRIME256V1 {
        return Err(wrong_curve(curve));
    }
    let inner = sec1::EcPrivateKey::try_from(info.private_key).map_err(|_| bad_der())?;
    let mut publics: Vec<&[u8]> = Vec::new();
    publics.extend(info.public_key);
    finish(&inner, publics, Vec::new())
}

fn from_sec1(der: &[u8]) -> Result<Parsed, Problem> {
    let inner = sec1::EcPrivateKey::try_from(der).map_err(|_| bad_der())?;
    let notes = vec![Note::new(
        Code::Sec1Converted,
        "The key was in the older “EC PRIVATE KEY” form; it was converted to the “PRIVATE KEY” form Apple uses.",
    )];
    finish(&inner, Vec::new(), notes)
}

/// Validate the inner ECPrivateKey: curve, scalar, embedded public key.
fn finish<'a>(
    inner: &sec1::EcPrivateKey<'a>,
    mut publics: Vec<&'a [u8]>,
    mut notes: Vec<Note>,
) -> Result<Parsed, Problem> {
    if let Some(curve) = inner.parameters.and_then(|p| p.named_curve()) {
        if curve != PRIME256V1 {
            return Err(wrong_curve(curve));
        }
    }
    let scalar = inner.private_key;
    let secret = match SecretKey::from_slice(scalar) {
        Ok(s) => s,
        // 32 bytes that are not a valid scalar: zero or ≥ the curve order.
        Err(_) if scalar.len() == 32 || scalar.iter().all(|b| *b == 0) => {
            return Err(invalid_scalar())
        }
        // Other curves' scalars (48, 66 bytes…) when the curve was not named.
        Err(_) if scalar.len() > 32 => return Err(wrong_curve_unnamed()),
        Err(_) => return Err(bad_der()),
    };
    publics.extend(inner.public_key);
    if publics.is_empty() {
        notes.push(Note::new(
            Code::PublicKeyDerived,
            "The key file did not include its public half; it was worked out from the private key.",
        ));
    }
    let embedded_publics = publics.into_iter().map(<[u8]>::to_vec).collect();
    Ok(Parsed {
        secret,
        notes,
        embedded_publics,
    })
}

/// Whether an embedded public key (SEC1 bytes) is the one derived from the secret.
pub(crate) fn public_key_matches(embedded: &[u8], derived: &PublicKey) -> bool {
    PublicKey::from_sec1_bytes(embedded).is_ok_and(|p| p == *derived)
}

enum KeyType {
    Rsa,
    Other(String),
}

fn key_type_name(oid: ObjectIdentifier) -> KeyType {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => return KeyType::Rsa,
        "1.3.101.112" => "an Ed25519 key",
        "1.3.101.113" => "an Ed448 key",
        "1.3.101.110" => "an X25519 key",
        "1.3.101.111" => "an X448 key",
        "1.2.840.10040.4.1" => "a DSA key",
        "1.2.840.113549.1.3.1" | "1.2.840.10046.2.1" => "a Diffie-Hellman key",
        "1.2.156.10197.1.301" => "an SM2 key",
        other => return KeyType::Other(format!("an unusual kind of key (type {other})")),
    };
    KeyType::Other(name.to_owned())
}

fn curve_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.132.0.34" => "P-384 (secp384r1)".into(),
        "1.3.132.0.35" => "P-521 (secp521r1)".into(),
        "1.3.132.0.10" => "secp256k1 (the curve Bitcoin uses)".into(),
        "1.3.132.0.33" => "P-224 (secp224r1)".into(),
        "1.2.840.10045.3.1.1" => "P-192 (prime192v1)".into(),
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1".into(),
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1".into(),
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1".into(),
        "1.2.156.10197.1.301" => "SM2".into(),
        other => format!("an unusual curve ({other})"),
    }
}

const GET_A_NEW_KEY: &str =
    "Download the AuthKey_XXXXXXXXXX.p8 file from App Store Connect → Users and Access → Integrations, or create a new key there.";

pub(crate) fn bad_der() -> Problem {
    Problem::new(
        Code::BadDer,
        "The key's contents are damaged or incomplete: they decode, but not into a complete key.",
        "Use the original .p8 file as downloaded from App Store Connect; if it is lost, revoke the key and create a new one.",
    )
}

pub(crate) fn encrypted() -> Problem {
    Problem::new(
        Code::EncryptedKey,
        "This key is locked with a password. App Store Connect keys are never password-protected, so it was changed after download or is another key.",
        "Use the original AuthKey_XXXXXXXXXX.p8 from App Store Connect (it has no password).",
    )
}

pub(crate) fn public_key() -> Problem {
    Problem::new(
        Code::PublicKeyNotPrivate,
        "This is a public key. Apple keeps the public half; you need the private key file.",
        GET_A_NEW_KEY,
    )
}

pub(crate) fn certificate() -> Problem {
    Problem::new(
        Code::CertificateNotKey,
        "This is a certificate (like a .cer file), not an API key.",
        GET_A_NEW_KEY,
    )
}

pub(crate) fn pkcs12() -> Problem {
    Problem::new(
        Code::Pkcs12NotKey,
        "This is a .p12 certificate bundle (used for code signing), not an App Store Connect API key.",
        GET_A_NEW_KEY,
    )
}

pub(crate) fn rsa() -> Problem {
    Problem::new(
        Code::RsaKey,
        "This is an RSA key. App Store Connect keys are elliptic-curve (P-256) keys, so this one cannot work.",
        GET_A_NEW_KEY,
    )
}

pub(crate) fn wrong_key_type(what: &str) -> Problem {
    Problem::new(
        Code::WrongKeyType,
        format!(
            "This is {what}, not an App Store Connect key (those are P-256 elliptic-curve keys)."
        ),
        GET_A_NEW_KEY,
    )
}

fn wrong_curve(oid: ObjectIdentifier) -> Problem {
    Problem::new(
        Code::WrongCurve,
        format!(
            "This is an elliptic-curve key on {}; App Store Connect keys use P-256.",
            curve_name(oid)
        ),
        GET_A_NEW_KEY,
    )
}

fn wrong_curve_unnamed() -> Problem {
    Problem::new(
        Code::WrongCurve,
        "This is an elliptic-curve key on a curve other than P-256, which App Store Connect keys use.",
        GET_A_NEW_KEY,
    )
}

pub(crate) fn invalid_scalar() -> Problem {
    Problem::new(
        Code::InvalidScalar,
        "The key's secret number is invalid (zero or too large), so it cannot sign anything.",
        "The file was damaged or made by a broken tool. Download a fresh key from App Store Connect.",
    )
}

pub(crate) fn mismatch() -> Problem {
    Problem::new(
        Code::PublicKeyMismatch,
        "The file's public half does not belong to its private half: it was edited or pieced together from two keys.",
        "Use the original .p8 file as downloaded from App Store Connect; if it is lost, revoke the key and create a new one.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::pkcs8::EncodePrivateKey;

    #[test]
    fn p256_pkcs8_parses_without_notes() {
        let secret = SecretKey::random(&mut rand_core::OsRng);
        let der = secret.to_pkcs8_der().unwrap();
        let parsed = parse_der(der.as_bytes()).unwrap_or_else(|p| panic!("{p}"));
        assert_eq!(parsed.secret.to_bytes(), secret.to_bytes());
        assert!(parsed.notes.is_empty());
    }

    #[test]
    fn sec1_is_converted_with_a_note() {
        let secret = SecretKey::random(&mut rand_core::OsRng);
        let der = secret.to_sec1_der().unwrap();
        let parsed = parse_der(&der).unwrap_or_else(|p| panic!("{p}"));
        assert_eq!(parsed.notes[0].code, "sec1_converted");
    }

    #[test]
    fn junk_is_bad_der() {
        assert_eq!(
            parse_der(&[0x30, 0x03, 0x02, 0x01]).unwrap_err().code,
            "bad_der"
        );
        assert_eq!(parse_der(&[0x04, 0x00]).unwrap_err().code, "bad_der");
        assert_eq!(
            parse_der(&[0x30, 0x80, 0x02, 0x01, 0x03, 0x30])
                .unwrap_err()
                .code,
            "pkcs12_not_key"
        );
    }
}
