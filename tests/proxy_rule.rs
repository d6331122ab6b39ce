//! A proxy from the environment never sees a key or a token sent to this computer or over plain
//! http: the upload and the Apple client both go straight to the loopback doubles while
//! HTTP_PROXY / HTTPS_PROXY / ALL_PROXY point at a recording "proxy". One test in its own binary
//! because it sets process environment variables. (Before issue 12 the upload went to the proxy,
//! `Authorization: Bearer` and the whole PEM with it.)

#[path = "support/apple_double.rs"]
mod apple_double;
#[path = "support/dashboard_double.rs"]
mod dashboard_double;

use apple_double::{AppleDouble, DoubleKey};
use asc_key_wizard::core::apple::{self, VerifyOptions};
use asc_key_wizard::core::credentials::Credentials;
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::upload::{upload, UploadOptions};
use dashboard_double::DashboardDouble;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zeroize::Zeroizing;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

/// A loopback listener that records every byte a client sends it and answers 502.
fn recording_proxy() -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
                if sink.lock().unwrap().windows(4).any(|w| w == b"\r\n\r\n") {
                    let _ =
                        stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
                    break;
                }
            }
        }
    });
    (format!("http://{addr}"), seen)
}

#[test]
fn no_proxy_sees_a_loopback_or_plain_http_request() {
    let (proxy, seen) = recording_proxy();
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(var, &proxy);
    }
    for var in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(var);
    }
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

    let dash = DashboardDouble::start();
    dash.expect_token("tok-proxy");
    let mut opts = UploadOptions::new(dash.upload_url(), Zeroizing::new("tok-proxy".to_owned()));
    opts.connect_timeout = Duration::from_secs(2);
    opts.request_timeout = Duration::from_secs(5);
    let receipt = rt
        .block_on(upload(&creds, &opts))
        .expect("the upload goes straight to the dashboard");
    assert_eq!(receipt.http_status, 200);
    assert_eq!(dash.request_count(), 1);

    let apple = AppleDouble::start();
    apple.add_key(DoubleKey::team(KEY_ID, key.public_key(), ISSUER));
    let v = rt.block_on(apple::verify(
        &creds,
        &VerifyOptions {
            api_base: Some(apple.base_url()),
            ..VerifyOptions::default()
        },
    ));
    assert_eq!(v.outcome, "valid", "{v:?}");

    // `localhost` is pinned to 127.0.0.1, so it is this computer too: still no proxy.
    let by_name = dash.upload_url().replace("127.0.0.1", "localhost");
    let opts = UploadOptions::new(by_name, Zeroizing::new("tok-proxy".to_owned()));
    rt.block_on(upload(&creds, &opts))
        .expect("localhost upload goes straight to the dashboard");
    assert_eq!(dash.request_count(), 2);

    std::thread::sleep(Duration::from_millis(100));
    let got = seen.lock().unwrap();
    assert!(
        got.is_empty(),
        "the proxy received {} bytes: {}",
        got.len(),
        String::from_utf8_lossy(&got[..got.len().min(200)])
    );
}
