//! The platform build's updater against a loopback update server (issue 14 §3): no update; an
//! update offered, downloaded and its signature verified; a download signed by another key, and
//! a validly signed older release announced under a newer version, both refused with
//! `update_signature_invalid`. Keys and signatures are made here with minisign, as
//! `tauri signer` makes them. The app is the mock runtime with tauri-plugin-updater configured
//! from a profile's `updates` the way `app::updates::configure` does it.

#![cfg(feature = "mock-runtime")]

use asc_key_wizard::app::updates;
use asc_key_wizard::core::problem::Code;
use asc_key_wizard::core::profile::rules::Updates;
use base64ct::{Base64, Encoding};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

const ARTIFACT: &[u8] = b"not really an installer, but signed bytes all the same";

/// A loopback update server: `/latest.json` answers the manifest it holds, `/app.tar.gz` the artifact.
struct UpdateServer {
    base: String,
    manifest: Arc<Mutex<String>>,
    hits: Arc<Mutex<Vec<String>>>,
}

impl UpdateServer {
    fn start() -> UpdateServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (manifest, hits) = (Arc::new(Mutex::new(String::new())), Arc::new(Mutex::new(Vec::new())));
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
                    if text.is_empty() { ("", Vec::new()) } else { ("application/json", text.into_bytes()) }
                } else {
                    ("application/octet-stream", ARTIFACT.to_vec())
                };
                let status = if kind.is_empty() { "204 No Content" } else { "200 OK" };
                let _ = write!(stream, "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(&body);
            }
        });
        UpdateServer { base, manifest, hits }
    }

    fn offer(&self, version: &str, signature: &str) {
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
fn signer() -> (String, minisign::SecretKey) {
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    (Base64::encode_string(kp.pk.to_box().unwrap().into_string().as_bytes()), kp.sk)
}

/// The `.sig` text, base64, with the version in the trusted comment as the Tauri CLI records it.
fn sign(sk: &minisign::SecretKey, data: &[u8], version: &str) -> String {
    let comment = format!("timestamp:1764583200\tfile:app.tar.gz\tversion:{version}");
    let sig = minisign::sign(None, sk, data, Some(&comment), Some("signature from tauri secret key")).unwrap();
    Base64::encode_string(sig.into_string().as_bytes())
}

fn app(server: &UpdateServer, pubkey: &str) -> tauri::App<tauri::test::MockRuntime> {
    let profile = Updates { endpoint: format!("{}/latest.json", server.base), pubkey: pubkey.to_owned() };
    let mut context = tauri::test::mock_context(tauri::test::noop_assets());
    context.config_mut().plugins.0.insert("updater".into(), asc_key_wizard::core::updates::plugin_config(&profile));
    tauri::test::mock_builder().plugin(tauri_plugin_updater::Builder::new().build()).build(context).unwrap()
}

#[tokio::test]
async fn no_newer_version_is_no_update() {
    let server = UpdateServer::start();
    let (pubkey, sk) = signer();
    let app = app(&server, &pubkey);
    // The mock app is 0.1.0: the same version, and no answer at all (204), are both "no update".
    server.offer("0.1.0", &sign(&sk, ARTIFACT, "0.1.0"));
    assert!(updates::check(app.handle()).await.unwrap().is_none());
    server.manifest.lock().unwrap().clear();
    assert!(updates::check(app.handle()).await.unwrap().is_none());
    assert_eq!(server.hits.lock().unwrap().iter().filter(|p| p.starts_with("/latest.json")).count(), 2);
}

#[tokio::test]
async fn a_signed_update_is_offered_and_verified() {
    let server = UpdateServer::start();
    let (pubkey, sk) = signer();
    let app = app(&server, &pubkey);
    server.offer("0.2.0", &sign(&sk, ARTIFACT, "0.2.0"));
    let update = updates::check(app.handle()).await.unwrap().expect("an update");
    assert_eq!(update.version, "0.2.0");
    let notice = asc_key_wizard::core::updates::ready(&update.version, update.body.clone());
    assert_eq!(notice.message, "Version 0.2.0 is ready. It installs only when you choose, then the wizard restarts.");
    assert_eq!(notice.notes.as_deref(), Some("Clearer words in step 2."));
    // Checking downloads nothing: the artifact is fetched only when the merchant asks.
    assert!(!server.hits.lock().unwrap().iter().any(|p| p == "/app.tar.gz"));
    assert_eq!(updates::fetch(&update).await.unwrap(), ARTIFACT);
}

#[tokio::test]
async fn an_update_signed_by_another_key_is_refused() {
    let server = UpdateServer::start();
    let (pubkey, _) = signer();
    let (_, other) = signer();
    let app = app(&server, &pubkey);
    server.offer("0.2.0", &sign(&other, ARTIFACT, "0.2.0"));
    let update = updates::check(app.handle()).await.unwrap().expect("offered");
    let problem = updates::fetch(&update).await.unwrap_err();
    assert_eq!(problem.code, Code::UpdateSignatureInvalid);
    assert_eq!(problem.message, "The update to version 0.2.0 was refused: its signature is not from the publisher this app trusts.");
    assert!(problem.hint.starts_with("Nothing was installed"), "{}", problem.hint);
    assert!(problem.detail.is_some());
}

#[tokio::test]
async fn an_older_signed_release_under_a_newer_number_is_refused() {
    let server = UpdateServer::start();
    let (pubkey, sk) = signer();
    let app = app(&server, &pubkey);
    server.offer("9.0.0", &sign(&sk, ARTIFACT, "0.0.9"));
    let update = updates::check(app.handle()).await.unwrap().expect("offered");
    assert_eq!(updates::fetch(&update).await.unwrap_err().code, Code::UpdateSignatureInvalid);
}
