//! Redirects are never followed: a loopback server answers every request with a redirect
//! (302 for Apple's GET; 302, 303, 307 and 308 for the upload, the last two of which would
//! resend the body with the key) to a
//! second loopback server that records what it gets. Both clients stop at the redirect, and the
//! second server receives nothing.

use asc_key_wizard::core::apple::{self, VerifyOptions};
use asc_key_wizard::core::credentials::Credentials;
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::upload::{upload, UploadOptions};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zeroize::Zeroizing;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

/// A loopback server that reads each request's head, records it, and answers `reply`.
fn server(reply: String) -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                head.extend_from_slice(&buf[..n]);
                if head.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            sink.lock().unwrap().extend_from_slice(&head);
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (format!("http://{addr}"), seen)
}

fn redirect_to(status: &str, target: &str) -> String {
    format!("HTTP/1.1 {status}\r\nLocation: {target}/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

#[test]
fn neither_client_follows_a_redirect() {
    let (target, reached) =
        server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".into());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    let creds = Credentials {
        key: &key,
        key_id: KEY_ID,
        issuer_id: Some(ISSUER),
        kind: KeyKind::Team,
    };

    let (apple_base, apple_seen) = server(redirect_to("302 Found", &target));
    let opts = VerifyOptions {
        api_base: Some(apple_base),
        ..VerifyOptions::default()
    };
    let v = rt.block_on(apple::verify(&creds, &opts));
    assert!(!v.is_valid(), "a redirect is not an answer: {v:?}");
    assert_eq!(v.http_status, Some(302), "{v:?}");
    assert!(
        !apple_seen.lock().unwrap().is_empty(),
        "the first server was asked"
    );

    for status in [
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let (dash, dash_seen) = server(redirect_to(status, &target));
        let mut opts = UploadOptions::new(
            format!("{dash}/keys"),
            Zeroizing::new("tok-redirect".to_owned()),
        );
        opts.connect_timeout = Duration::from_secs(2);
        opts.request_timeout = Duration::from_secs(5);
        let err = rt
            .block_on(upload(&creds, &opts))
            .expect_err("a redirect is not an accepted upload");
        assert!(!err.code.as_str().is_empty());
        assert!(
            !dash_seen.lock().unwrap().is_empty(),
            "the dashboard was asked ({status})"
        );
    }

    std::thread::sleep(Duration::from_millis(100));
    let got = reached.lock().unwrap();
    assert!(
        got.is_empty(),
        "the redirect target received {} bytes: {}",
        got.len(),
        String::from_utf8_lossy(&got)
    );
}
