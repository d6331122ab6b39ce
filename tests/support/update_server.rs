//! A loopback update server for the updater tests (tests/suite/updates.rs, tests/e2e_platform.rs), and
//! minisign keys and signatures made at test time as `tauri signer` makes them.

#![allow(dead_code)]

use base64ct::{Base64, Encoding};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub const ARTIFACT: &[u8] = b"not really an installer, but signed bytes all the same";

/// A loopback update server: `/latest.json` answers the manifest it holds, `/app.tar.gz` the artifact.
pub struct UpdateServer {
    pub base: String,
    pub manifest: Arc<Mutex<String>>,
    pub hits: Arc<Mutex<Vec<String>>>,
}

impl UpdateServer {
    pub fn start() -> UpdateServer {
        Self::start_on(0)
    }

    /// On a fixed port: a platform build's test profile names its update endpoint at build time.
    pub fn start_on(port: u16) -> UpdateServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (manifest, hits) = (
            Arc::new(Mutex::new(String::new())),
            Arc::new(Mutex::new(Vec::new())),
        );
        let (m, h) = (manifest.clone(), hits.clone());
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut buf = [0u8; 8192];
                let n = stream.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                h.lock().unwrap().push(path.clone());
                let (kind, body): (&str, Vec<u8>) = if path.starts_with("/latest.json") {
                    let text = m.lock().unwrap().clone();
                    if text.is_empty() {
                        ("", Vec::new())
                    } else {
                        ("application/json", text.into_bytes())
                    }
                } else {
                    ("application/octet-stream", ARTIFACT.to_vec())
                };
                let status = if kind.is_empty() {
                    "204 No Content"
                } else {
                    "200 OK"
                };
                let _ = write!(stream, "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(&body);
            }
        });
        UpdateServer {
            base,
            manifest,
            hits,
        }
    }

    pub fn offer(&self, version: &str, signature: &str) {
        *self.manifest.lock().unwrap() = serde_json::json!({
            "version": version,
            "notes": "Clearer words in step 2.",
            "pub_date": "2026-12-01T10:00:00Z",
            "url": format!("{}/app.tar.gz", self.base),
            "signature": signature,
        })
        .to_string();
    }
}

/// A minisign key pair as `tauri signer generate` makes one: (pubkey for the profile, secret key).
pub fn signer() -> (String, minisign::SecretKey) {
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    (
        Base64::encode_string(kp.pk.to_box().unwrap().into_string().as_bytes()),
        kp.sk,
    )
}

/// The `.sig` text, base64, with the version in the trusted comment as the Tauri CLI records it.
pub fn sign(sk: &minisign::SecretKey, data: &[u8], version: &str) -> String {
    let comment = format!("timestamp:1764583200\tfile:app.tar.gz\tversion:{version}");
    let sig = minisign::sign(
        None,
        sk,
        data,
        Some(&comment),
        Some("signature from tauri secret key"),
    )
    .unwrap();
    Base64::encode_string(sig.into_string().as_bytes())
}
