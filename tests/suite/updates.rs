//! The platform build's updater against a loopback update server (issue 14 §3): no update; an
//! update offered, downloaded and its signature verified; a download signed by another key, and
//! a validly signed older release announced under a newer version, both refused with
//! `update_signature_invalid`. Keys and signatures are made here with minisign, as
//! `tauri signer` makes them. The app is the mock runtime with tauri-plugin-updater configured
//! from a profile's `updates` the way `app::updates::configure` does it.

use asc_key_wizard::app::updates;
use asc_key_wizard::core::problem::Code;
use asc_key_wizard::core::profile::rules::Updates;

use crate::support::update_server;

use update_server::{sign, signer, UpdateServer, ARTIFACT};

fn app(server: &UpdateServer, pubkey: &str) -> tauri::App<tauri::test::MockRuntime> {
    let profile = Updates {
        endpoint: format!("{}/latest.json", server.base),
        pubkey: pubkey.to_owned(),
    };
    let mut context = tauri::test::mock_context(tauri::test::noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        asc_key_wizard::core::updates::plugin_config(&profile),
    );
    tauri::test::mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .unwrap()
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
    assert_eq!(
        server
            .hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.starts_with("/latest.json"))
            .count(),
        2
    );
}

#[tokio::test]
async fn a_signed_update_is_offered_and_verified() {
    let server = UpdateServer::start();
    let (pubkey, sk) = signer();
    let app = app(&server, &pubkey);
    server.offer("0.2.0", &sign(&sk, ARTIFACT, "0.2.0"));
    let update = updates::check(app.handle())
        .await
        .unwrap()
        .expect("an update");
    assert_eq!(update.version, "0.2.0");
    let notice = asc_key_wizard::core::updates::ready(&update.version, update.body.clone());
    assert_eq!(
        notice.message,
        "Version 0.2.0 is ready. It installs only when you choose, then the wizard restarts."
    );
    assert_eq!(notice.notes.as_deref(), Some("Clearer words in step 2."));
    // Checking downloads nothing: the artifact is fetched only when the merchant asks.
    assert!(!server
        .hits
        .lock()
        .unwrap()
        .iter()
        .any(|p| p == "/app.tar.gz"));
    assert_eq!(updates::fetch(&update).await.unwrap(), ARTIFACT);
}

#[tokio::test]
async fn an_update_signed_by_another_key_is_refused() {
    let server = UpdateServer::start();
    let (pubkey, _) = signer();
    let (_, other) = signer();
    let app = app(&server, &pubkey);
    server.offer("0.2.0", &sign(&other, ARTIFACT, "0.2.0"));
    let update = updates::check(app.handle())
        .await
        .unwrap()
        .expect("offered");
    let problem = updates::fetch(&update).await.unwrap_err();
    assert_eq!(problem.code, Code::UpdateSignatureInvalid);
    assert_eq!(problem.message, "The update to version 0.2.0 was refused: its signature is not from the publisher this app trusts.");
    assert!(
        problem.hint.starts_with("Nothing was installed"),
        "{}",
        problem.hint
    );
    assert!(problem.detail.is_some());
}

#[tokio::test]
async fn an_older_signed_release_under_a_newer_number_is_refused() {
    let server = UpdateServer::start();
    let (pubkey, sk) = signer();
    let app = app(&server, &pubkey);
    server.offer("9.0.0", &sign(&sk, ARTIFACT, "0.0.9"));
    let update = updates::check(app.handle())
        .await
        .unwrap()
        .expect("offered");
    assert_eq!(
        updates::fetch(&update).await.unwrap_err().code,
        Code::UpdateSignatureInvalid
    );
}
