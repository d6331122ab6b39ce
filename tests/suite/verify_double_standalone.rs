//! Run the App Store Connect double on its own, for trying the app or the CLI
//! by hand against it:
//!
//! ```text
//! cargo test --no-default-features --test suite verify_double_standalone:: -- --ignored --nocapture
//! ```
//!
//! With `ASC_DOUBLE_KEY` (path to a .p8), `ASC_DOUBLE_KEY_ID` and
//! `ASC_DOUBLE_ISSUER` set it registers that key as an admin team key;
//! otherwise it generates one and writes it to a temporary folder. It prints
//! `ASC_API_BASE=http://127.0.0.1:<port>` and serves until interrupted.

use crate::support::apple_double;

use apple_double::DoubleKey;
use p256::pkcs8::DecodePrivateKey;

#[test]
#[ignore = "runs until interrupted; start it by hand"]
fn serve_the_double() {
    let key_id = std::env::var("ASC_DOUBLE_KEY_ID").unwrap_or_else(|_| "2X9R4HXF34".into());
    let issuer = std::env::var("ASC_DOUBLE_ISSUER")
        .unwrap_or_else(|_| "57246542-96fe-1a63-e053-0824d011072a".into());
    let secret = match std::env::var_os("ASC_DOUBLE_KEY") {
        Some(path) => {
            let pem = std::fs::read_to_string(&path).expect("read ASC_DOUBLE_KEY");
            p256::SecretKey::from_pkcs8_pem(pem.trim())
                .expect("ASC_DOUBLE_KEY is a PKCS#8 P-256 key")
        }
        None => {
            let secret = p256::SecretKey::random(&mut rand_core::OsRng);
            let key = asc_key_wizard::core::key::PrivateKey::from_secret(secret.clone());
            let dir = tempfile::tempdir().unwrap().keep();
            let file = dir.join(format!("AuthKey_{key_id}.p8"));
            std::fs::write(&file, key.canonical_pem()).unwrap();
            println!(
                "key file: {}  key id: {key_id}  issuer: {issuer}",
                file.display()
            );
            secret
        }
    };
    apple_double::run_standalone(vec![DoubleKey::team(&key_id, secret.public_key(), &issuer)]);
}

/// The standalone helper's building blocks work (the ignored test above only
/// adds a loop).
#[test]
fn double_starts_on_loopback_and_counts() {
    let double = apple_double::AppleDouble::start();
    assert!(double.base_url().starts_with("http://127.0.0.1:"));
    assert_ne!(double.addr().port(), 0);
    let mut s = std::net::TcpStream::connect(double.addr()).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"GET /v1/apps?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    assert!(answer.contains("\"NOT_AUTHORIZED\""), "{answer}");
    assert!(answer.contains("Date: "), "{answer}");
    assert_eq!(double.request_count(), 1);
}
