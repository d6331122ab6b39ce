//! A parsed, validated P-256 private key. Key bytes live only here, zeroized on
//! drop; `Debug` never prints them.

use crate::core::process::Locked;
use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::pkcs8::{EncodePublicKey, ObjectIdentifier};
use p256::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

/// OID 1.2.840.10045.2.1 (id-ecPublicKey) and 1.2.840.10045.3.1.7 (prime256v1).
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

pub struct PrivateKey {
    secret: SecretKey,
    public: PublicKey,
    /// The same scalar in p256 0.14, which signs with precomputed tables.
    signer: p256_fast::ecdsa::SigningKey,
    /// PKCS#8 DER in the form Apple ships (150 bytes, curve parameters and
    /// public key inside the ECPrivateKey).
    /// Both locked in RAM while held (best effort) and wiped on drop.
    pkcs8_der: Locked<Vec<u8>>,
    pem: Locked<String>,
    fingerprint: String,
}

impl PrivateKey {
    /// Build the canonical form from a validated secret scalar.
    pub fn from_secret(secret: SecretKey) -> Self {
        // One scalar multiplication for the public key (p256 0.14, with
        // precomputed tables), reused everywhere: it dominates the check.
        let scalar = Zeroizing::new(secret.to_bytes());
        let signer = p256_fast::ecdsa::SigningKey::from_slice(&scalar)
            .expect("a valid P-256 scalar is valid in both p256 versions");
        let point = signer.verifying_key().to_sec1_point(false);
        let public = PublicKey::from_sec1_bytes(point.as_bytes())
            .expect("a point p256 0.14 derived is on the curve for p256 0.13");
        let pkcs8_der = Locked::new(canonical_pkcs8_der(&secret, &public));
        let pem = Locked::new(
            pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &pkcs8_der)
                .expect("PEM encoding of a fixed-size DER cannot fail"),
        );
        let fingerprint = fingerprint_of(&public);
        PrivateKey {
            secret,
            public,
            signer,
            pkcs8_der,
            pem,
            fingerprint,
        }
    }

    /// The canonical PEM (`-----BEGIN PRIVATE KEY-----`, 64-column lines, LF).
    /// Only for writing to an explicitly chosen destination.
    pub fn canonical_pem(&self) -> &str {
        &self.pem
    }

    /// The canonical PKCS#8 DER.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8_der
    }

    /// `sha256:` + lowercase hex of SHA-256 over the SubjectPublicKeyInfo DER.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// An ES256 signature (raw `r || s`, as JWS wants it) over `message`.
    /// Hedged: RFC 6979 plus fresh randomness, so a retry within the same
    /// second is a genuinely new token rather than a byte-identical copy.
    pub fn sign_es256(&self, message: &[u8]) -> [u8; 64] {
        use p256_fast::ecdsa::signature::RandomizedSigner;
        let sig: p256_fast::ecdsa::Signature = self
            .signer
            .try_sign_with_rng(&mut OsEntropy, message)
            .expect("the OS random source failed");
        sig.to_bytes().into()
    }

    /// Whether `signature` (raw `r || s`) is this key's ES256 signature of `message`.
    pub fn verify_es256(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        use p256_fast::ecdsa::signature::Verifier;
        p256_fast::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|sig| self.signer.verifying_key().verify(message, &sig).is_ok())
    }

    /// The key in p256 0.13's ECDSA API (no precomputed tables, slower); tests
    /// use it to check signatures with a second implementation.
    pub fn signing_key(&self) -> SigningKey {
        SigningKey::from(&self.secret)
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::from(&self.public)
    }

    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// The base64 body of the canonical PEM (without line breaks); used by tests
    /// and leak checks to search output for key material.
    pub fn base64_body(&self) -> Zeroizing<String> {
        Zeroizing::new(
            self.pem
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect(),
        )
    }
}

/// The OS random source (rand_core 0.6's `OsRng`, as everywhere else here)
/// behind the rand_core 0.10 traits p256 0.14 signs with.
struct OsEntropy;

impl p256_fast::elliptic_curve::rand_core::TryRng for OsEntropy {
    type Error = std::io::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, dst)
            .map_err(std::io::Error::other)
    }
}

impl p256_fast::elliptic_curve::rand_core::TryCryptoRng for OsEntropy {}

impl Clone for PrivateKey {
    fn clone(&self) -> Self {
        PrivateKey::from_secret(self.secret.clone())
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// `sha256:<hex>` over the SubjectPublicKeyInfo DER of a public key.
pub fn fingerprint_of(public: &PublicKey) -> String {
    let spki = public
        .to_public_key_der()
        .expect("SPKI encoding of a P-256 point cannot fail");
    let digest = Sha256::digest(spki.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// PKCS#8 exactly as App Store Connect produces it: the inner ECPrivateKey
/// carries `[0] parameters` and `[1] publicKey`, giving a 150-byte DER.
fn canonical_pkcs8_der(secret: &SecretKey, public: &PublicKey) -> Vec<u8> {
    use der::Encode;
    let scalar = Zeroizing::new(secret.to_bytes());
    let point = public.to_sec1_bytes();
    let ec = sec1::EcPrivateKey {
        private_key: &scalar,
        parameters: Some(sec1::EcParameters::NamedCurve(PRIME256V1)),
        public_key: Some(&point),
    };
    let ec_der = Zeroizing::new(ec.to_der().expect("ECPrivateKey encoding cannot fail"));
    let info = pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: ID_EC_PUBLIC_KEY,
            parameters: Some(der::asn1::AnyRef::from(&PRIME256V1)),
        },
        private_key: &ec_der,
        public_key: None,
    };
    info.to_der().expect("PKCS#8 encoding cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::pkcs8::DecodePrivateKey;

    /// The parsed key's PEM and DER are locked in RAM while the key is held (Linux: `VmLck`).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_parsed_key_is_locked_in_ram_while_held() {
        let vm_lck = || -> u64 {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            let line = status.lines().find(|l| l.starts_with("VmLck:")).unwrap();
            line.split_whitespace().nth(1).unwrap().parse().unwrap()
        };
        let key = PrivateKey::from_secret(SecretKey::random(&mut rand_core::OsRng));
        assert!(vm_lck() >= 4, "VmLck {} kB with a key held", vm_lck());
        assert!(
            key.pem.locked && key.pkcs8_der.locked,
            "both buffers locked"
        );
    }

    /// Issue 21 §5, as the review found it: every verify, save, upload and export clones the
    /// selected key, and the small buffers of two copies share heap pages. Dropping one copy must
    /// leave the other's pages locked (`lo` in `/proc/self/smaps`).
    #[cfg(target_os = "linux")]
    #[test]
    fn dropping_a_clone_leaves_the_key_locked() {
        use crate::core::process::tests::page_locked;
        let key = PrivateKey::from_secret(SecretKey::random(&mut rand_core::OsRng));
        if !(key.pem.locked && key.pkcs8_der.locked) {
            crate::core::process::tests::mlock_refused();
            return;
        }
        // Enough copies that some share a page (about three fit in one).
        let mut copies: Vec<PrivateKey> = (0..32).map(|_| key.clone()).collect();
        let size = crate::core::process::page_size();
        let pages = |k: &PrivateKey| {
            [
                k.pem.as_ptr() as usize / size,
                k.pkcs8_der.as_ptr() as usize / size,
            ]
        };
        let shared = (1..copies.len())
            .flat_map(|j| (0..j).map(move |i| (i, j)))
            .find(|&(i, j)| {
                pages(&copies[i])
                    .iter()
                    .any(|p| pages(&copies[j]).contains(p))
            });
        let (kept, gone) = shared.expect("two of 32 copies share a page");
        drop(copies.remove(gone));
        let k = &copies[kept];
        assert!(
            page_locked(k.pem.as_ptr()),
            "the PEM's page was unlocked with another copy"
        );
        assert!(
            page_locked(k.pkcs8_der.as_ptr()),
            "the DER's page was unlocked with another copy"
        );
        assert!(page_locked(key.pem.as_ptr()) && page_locked(key.pkcs8_der.as_ptr()));
    }

    #[test]
    fn canonical_form_matches_apples_shape() {
        let key = PrivateKey::from_secret(SecretKey::random(&mut rand_core::OsRng));
        assert_eq!(key.pkcs8_der().len(), 150);
        let body = key.base64_body();
        assert_eq!(body.len(), 200);
        assert!(
            body.starts_with("MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg"),
            "{}",
            body.as_str()
        );
        let lines: Vec<_> = key.canonical_pem().lines().map(str::len).collect();
        assert_eq!(lines, vec![27, 64, 64, 64, 8, 25]);
        let back = SecretKey::from_pkcs8_der(key.pkcs8_der()).unwrap();
        assert_eq!(back.to_bytes(), key.secret.to_bytes());
        assert!(key.fingerprint().starts_with("sha256:") && key.fingerprint().len() == 71);
        assert!(!format!("{key:?}").contains(&body[..20]));
    }
}
