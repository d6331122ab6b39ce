//! Test-time key generator: fresh P-256 keys (p256 + OsRng) in every form and
//! every kind of damage the check must handle, plus foreign keys and
//! certificates from the `openssl` CLI. Never a real key.
//!
//! The `suite` binary has it as `crate::support::keys` (`support/mod.rs`); a test binary of its
//! own includes it with `#[path = "support/keys.rs"] mod keys;`.

use base64ct::{Base64, Encoding};
use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use der::Encode;
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey};
use p256::SecretKey;
use std::path::PathBuf;
use std::process::Command;

pub const ID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub const PRIME256V1: &str = "1.2.840.10045.3.1.7";
pub const SECP384R1: &str = "1.3.132.0.34";
pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub const ED25519: &str = "1.3.101.112";
/// The P-256 group order n: a "scalar" equal to it is invalid.
pub const P256_ORDER: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

pub const KEY_ID: &str = "2X9R4HXF34";
pub const ISSUER_ID: &str = "57246542-96fe-1a63-e053-0824d011072a";

pub fn secret() -> SecretKey {
    SecretKey::random(&mut rand_core::OsRng)
}

/// A random 10-character Key ID: tests that share the real keychain never collide.
pub fn random_key_id() -> String {
    use rand_core::RngCore;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = [0u8; 10];
    rand_core::OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

// ---------------------------------------------------------------- DER forms

/// SEC1 ECPrivateKey with optional curve parameters and public key.
pub fn ec_private_key_der(scalar: &[u8], params: Option<&str>, public: Option<&[u8]>) -> Vec<u8> {
    sec1::EcPrivateKey {
        private_key: scalar,
        parameters: params.map(|p| sec1::EcParameters::NamedCurve(oid(p))),
        public_key: public,
    }
    .to_der()
    .unwrap()
}

/// PKCS#8 PrivateKeyInfo with an arbitrary algorithm, curve and inner key.
pub fn pkcs8_der(algorithm: &str, curve: Option<&str>, inner: &[u8]) -> Vec<u8> {
    let curve_oid = curve.map(oid);
    pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: oid(algorithm),
            parameters: curve_oid.as_ref().map(AnyRef::from),
        },
        private_key: inner,
        public_key: None,
    }
    .to_der()
    .unwrap()
}

/// Exactly Apple's shape: 150 bytes, inner parameters and public key.
pub fn apple_der(s: &SecretKey) -> Vec<u8> {
    let point = s.public_key().to_sec1_bytes();
    let inner = ec_private_key_der(&s.to_bytes(), Some(PRIME256V1), Some(&point));
    pkcs8_der(ID_EC_PUBLIC_KEY, Some(PRIME256V1), &inner)
}

/// OpenSSL-style PKCS#8 (no inner parameters), as the p256 crate writes it.
pub fn openssl_style_der(s: &SecretKey) -> Vec<u8> {
    s.to_pkcs8_der().unwrap().as_bytes().to_vec()
}

pub fn sec1_der(s: &SecretKey) -> Vec<u8> {
    s.to_sec1_der().unwrap().to_vec()
}

/// PKCS#8 whose inner ECPrivateKey has no public key.
pub fn no_public_der(s: &SecretKey) -> Vec<u8> {
    let inner = ec_private_key_der(&s.to_bytes(), None, None);
    pkcs8_der(ID_EC_PUBLIC_KEY, Some(PRIME256V1), &inner)
}

/// PKCS#8 whose embedded public key belongs to another key.
pub fn mismatched_der(s: &SecretKey) -> Vec<u8> {
    let other = secret().public_key().to_sec1_bytes();
    let inner = ec_private_key_der(&s.to_bytes(), Some(PRIME256V1), Some(&other));
    pkcs8_der(ID_EC_PUBLIC_KEY, Some(PRIME256V1), &inner)
}

/// PKCS#8 with a raw 32-byte scalar (e.g. zero or the curve order) and no public key.
pub fn scalar_der(scalar: &[u8; 32]) -> Vec<u8> {
    let inner = ec_private_key_der(scalar, Some(PRIME256V1), None);
    pkcs8_der(ID_EC_PUBLIC_KEY, Some(PRIME256V1), &inner)
}

/// A P-384 key as PKCS#8 (random 48-byte scalar; only the OIDs matter).
pub fn p384_der() -> Vec<u8> {
    let mut scalar = [0u8; 48];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut scalar);
    scalar[0] = 0x01;
    let inner = ec_private_key_der(&scalar, None, None);
    pkcs8_der(ID_EC_PUBLIC_KEY, Some(SECP384R1), &inner)
}

/// An RSA-labelled PKCS#8 (the check decides by the algorithm OID).
pub fn rsa_pkcs8_der() -> Vec<u8> {
    pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: oid(RSA_ENCRYPTION),
            parameters: Some(AnyRef::NULL),
        },
        private_key: &[0x30, 0x03, 0x02, 0x01, 0x00],
        public_key: None,
    }
    .to_der()
    .unwrap()
}

/// An Ed25519 PKCS#8 as OpenSSL writes it (random seed).
pub fn ed25519_der() -> Vec<u8> {
    let mut seed = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut seed);
    let inner = OctetStringRef::new(&seed).unwrap().to_der().unwrap();
    pkcs8_der(ED25519, None, &inner)
}

/// A minimal PFX shape: SEQUENCE { INTEGER 3, SEQUENCE {} }.
pub fn pkcs12_der() -> Vec<u8> {
    vec![0x30, 0x05, 0x02, 0x01, 0x03, 0x30, 0x00]
}

/// An EncryptedPrivateKeyInfo shape: SEQUENCE { AlgorithmIdentifier(PBES2), OCTET STRING }.
pub fn encrypted_der() -> Vec<u8> {
    let alg = pkcs8::AlgorithmIdentifierRef {
        oid: oid("1.2.840.113549.1.5.13"),
        parameters: None,
    }
    .to_der()
    .unwrap();
    let data = OctetStringRef::new(&[7u8; 48]).unwrap().to_der().unwrap();
    let mut body = alg;
    body.extend(data);
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

pub fn public_key_pem(s: &SecretKey) -> String {
    s.public_key()
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .unwrap()
}

pub fn public_key_der(s: &SecretKey) -> Vec<u8> {
    s.public_key()
        .to_public_key_der()
        .unwrap()
        .as_bytes()
        .to_vec()
}

// ---------------------------------------------------------------- PEM forms

/// PEM with 64-column lines and LF, like Apple's file.
pub fn pem(label: &str, der: &[u8]) -> String {
    let body = Base64::encode_string(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

pub fn apple_pem(s: &SecretKey) -> String {
    pem("PRIVATE KEY", &apple_der(s))
}

pub fn openssl_style_pem(s: &SecretKey) -> String {
    pem("PRIVATE KEY", &openssl_style_der(s))
}

pub fn sec1_pem(s: &SecretKey) -> String {
    pem("EC PRIVATE KEY", &sec1_der(s))
}

/// The base64 body without BEGIN/END lines or line breaks.
pub fn body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

// ------------------------------------------------------------ the damage

pub fn crlf(pem: &str) -> String {
    pem.replace('\n', "\r\n")
}

pub fn bom(pem: &str) -> String {
    format!("\u{feff}{pem}")
}

/// As in JSON or .env files: real newlines replaced by the two characters `\n`.
pub fn escaped_newlines(pem: &str) -> String {
    pem.trim_end().replace('\n', "\\n")
}

pub fn quoted(pem: &str) -> String {
    format!("\"{}\"", pem.trim_end())
}

/// As pasted out of a YAML block: every line indented, plus a blank line and trailing spaces.
pub fn indented(pem: &str) -> String {
    let mut out = String::from("\n");
    for line in pem.lines() {
        out.push_str("    ");
        out.push_str(line);
        out.push_str("  \n");
    }
    out
}

/// BEGIN line, the whole body on one line, END line.
pub fn one_line_body(pem: &str) -> String {
    let label_line = pem.lines().next().unwrap();
    let end_line = pem.lines().last().unwrap();
    format!("{label_line}\n{}\n{end_line}\n", body(pem))
}

/// The whole PEM on one line with newlines collapsed into spaces.
pub fn spaces_for_newlines(pem: &str) -> String {
    pem.trim_end().replace('\n', " ")
}

/// The body re-wrapped at an odd width (e.g. 76, as MIME encoders do).
pub fn rewrapped_at(pem: &str, width: usize) -> String {
    let label_line = pem.lines().next().unwrap();
    let end_line = pem.lines().last().unwrap();
    let b = body(pem);
    let mut out = format!("{label_line}\n");
    for chunk in b.as_bytes().chunks(width) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(end_line);
    out.push('\n');
    out
}

/// Only the base64 body, as some dashboards store it.
pub fn body_only(pem: &str) -> String {
    body(pem)
}

/// The whole file base64-encoded once, as CI secrets often hold it.
pub fn base64_file(pem: &str) -> String {
    Base64::encode_string(pem.as_bytes())
}

/// A fastlane `api_key.json`.
pub fn fastlane_json(pem: &str, key_id: Option<&str>, issuer_id: Option<&str>) -> String {
    let mut obj = serde_json::Map::new();
    if let Some(k) = key_id {
        obj.insert("key_id".into(), k.into());
    }
    if let Some(i) = issuer_id {
        obj.insert("issuer_id".into(), i.into());
    }
    obj.insert("key".into(), pem.into());
    obj.insert("duration".into(), 1200.into());
    obj.insert("in_house".into(), false.into());
    serde_json::to_string_pretty(&serde_json::Value::Object(obj)).unwrap()
}

/// The END line cut off.
pub fn truncated(pem: &str) -> String {
    let cut = pem.find("-----END").unwrap();
    pem[..cut].to_owned()
}

/// A character no base64 body can hold, in the middle of the body.
pub fn bad_base64(pem: &str) -> String {
    let at = pem.find('\n').unwrap() + 20;
    let mut s = pem.to_owned();
    s.replace_range(at..at + 1, "!");
    s
}

/// Valid base64 of a DER cut short (a lost body line).
pub fn lost_line(pem: &str) -> String {
    let lines: Vec<&str> = pem.lines().collect();
    let mut kept = lines.clone();
    kept.remove(2);
    kept.join("\n") + "\n"
}

// ------------------------------------------------------------------ openssl

/// Runs the `openssl` CLI in a temporary folder. `None` when openssl is
/// missing and the full test run was not requested (after saying why).
pub struct Openssl {
    pub dir: tempfile::TempDir,
}

impl Openssl {
    pub fn new() -> Option<Openssl> {
        let found = Command::new("openssl")
            .arg("version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !found {
            if asc_key_wizard::test_rule::strict() {
                panic!("the `openssl` CLI is required for these tests (CI or ASC_WIZARD_FULL_TESTS is set) but was not found");
            }
            eprintln!("SKIPPED: `openssl` CLI not found; install it (apt-get install openssl) to run the OpenSSL cases");
            return None;
        }
        Some(Openssl {
            dir: tempfile::tempdir().unwrap(),
        })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run `openssl <args>` in the temp folder; panics with stderr on failure.
    pub fn run(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).unwrap()
    }
}
