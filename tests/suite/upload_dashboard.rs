//! The upload protocol against the loopback dashboard double: success,
//! idempotent retry after a 503, 401 with a JSON message, 413, dropped
//! connection, time-out, missing token, and URL rules.

use crate::support::dashboard_double;

use asc_key_wizard::core::credentials::Credentials;
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::upload::{upload, user_agent, UploadOptions};
use dashboard_double::{DashboardDouble, Scenario};
use std::time::Duration;
use zeroize::Zeroizing;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";
const TOKEN: &str = "setup-tok-123";

fn key() -> PrivateKey {
    PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng))
}

fn opts(url: &str) -> UploadOptions {
    let mut o = UploadOptions::new(url, Zeroizing::new(TOKEN.to_owned()));
    o.backoff = Duration::from_millis(10);
    o.connect_timeout = Duration::from_secs(2);
    o.request_timeout = Duration::from_secs(5);
    o
}

fn req(key: &PrivateKey) -> Credentials<'_> {
    Credentials {
        key,
        key_id: KEY_ID,
        issuer_id: Some(ISSUER),
        kind: KeyKind::Team,
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn success_sends_the_documented_request() {
    let dash = DashboardDouble::start();
    dash.expect_token(TOKEN);
    let key = key();
    let receipt = rt()
        .block_on(upload(&req(&key), &opts(&dash.upload_url())))
        .expect("upload works");
    assert_eq!(receipt.http_status, 200);
    assert_eq!(receipt.attempts, 1);
    assert_eq!(receipt.message.as_deref(), Some("Key received."));

    let got = dash.requests();
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/upload");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r.header("user-agent"), Some(user_agent().as_str()));
    assert!(user_agent().starts_with("asc-key-wizard/"));
    let idem = r.idempotency_key().expect("Idempotency-Key header");
    let parsed = uuid::Uuid::parse_str(idem).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(idem, receipt.idempotency_key);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data"));
    assert_eq!(r.fields.get("issuer_id").map(String::as_str), Some(ISSUER));
    assert_eq!(r.fields.get("key_id").map(String::as_str), Some(KEY_ID));
    assert_eq!(r.fields.get("key_kind").map(String::as_str), Some("team"));
    assert_eq!(r.file_field.as_deref(), Some("private_key"));
    assert_eq!(r.file_name.as_deref(), Some("AuthKey_2X9R4HXF34.p8"));
    assert_eq!(
        r.file_content_type.as_deref(),
        Some("application/x-pem-file")
    );
    assert_eq!(r.file_bytes, key.canonical_pem().as_bytes());
    assert_eq!(dash.stored().len(), 1);
    let compact = &dash.uploads()[0];
    assert_eq!(compact.key_id.as_deref(), Some(KEY_ID));
    assert_eq!(compact.pem.as_deref(), Some(key.canonical_pem()));
    assert_eq!(
        compact.authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn individual_keys_leave_out_the_issuer() {
    let dash = DashboardDouble::start();
    let key = key();
    let r = Credentials {
        key: &key,
        key_id: KEY_ID,
        issuer_id: None,
        kind: KeyKind::Individual,
    };
    rt().block_on(upload(&r, &opts(&dash.upload_url())))
        .unwrap();
    let got = &dash.requests()[0];
    assert!(!got.fields.contains_key("issuer_id"));
    assert_eq!(
        got.fields.get("key_kind").map(String::as_str),
        Some("individual")
    );
}

#[test]
fn a_503_is_retried_with_the_same_idempotency_key_and_stored_once() {
    let dash = DashboardDouble::start_with(Scenario::FailThenOk(1));
    let key = key();
    let receipt = rt()
        .block_on(upload(&req(&key), &opts(&dash.upload_url())))
        .expect("second try works");
    assert_eq!(receipt.attempts, 2);
    let got = dash.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].answered, 503);
    assert_eq!(got[1].answered, 200);
    assert_eq!(got[0].idempotency_key(), got[1].idempotency_key());
    assert_eq!(dash.stored().len(), 1, "the platform kept one key");
}

#[test]
fn persistent_5xx_gives_up_after_three_tries() {
    let dash = DashboardDouble::start_with(Scenario::Unavailable);
    let key = key();
    let err = rt()
        .block_on(upload(&req(&key), &opts(&dash.upload_url())))
        .unwrap_err();
    assert_eq!(err.code, "upload_unavailable");
    assert_eq!(dash.request_count(), 3);
    let keys: Vec<_> = dash
        .requests()
        .iter()
        .map(|r| r.idempotency_key().unwrap().to_owned())
        .collect();
    assert!(keys.iter().all(|k| *k == keys[0]));
}

#[test]
fn a_401_shows_the_servers_message_and_is_not_retried() {
    let dash = DashboardDouble::start_with(Scenario::Unauthorized(
        "The setup token has expired.".into(),
    ));
    let key = key();
    let err = rt()
        .block_on(upload(&req(&key), &opts(&dash.upload_url())))
        .unwrap_err();
    assert_eq!(err.code, "upload_unauthorized");
    assert!(
        err.message.contains("The setup token has expired."),
        "{}",
        err.message
    );
    assert!(err.hint.contains("setup token"));
    assert_eq!(dash.request_count(), 1);
    assert!(dash.stored().is_empty());
}

#[test]
fn a_wrong_token_is_unauthorized() {
    let dash = DashboardDouble::start();
    dash.expect_token("the-right-one");
    let key = key();
    let err = rt()
        .block_on(upload(&req(&key), &opts(&dash.upload_url())))
        .unwrap_err();
    assert_eq!(err.code, "upload_unauthorized");
    assert!(err.message.contains("This setup token is not valid."));
}

#[test]
fn a_413_is_rejected_with_the_text_body() {
    let dash = DashboardDouble::start_with(Scenario::TooLarge);
    let key = key();
    let err = rt()
        .block_on(upload(&req(&key), &opts(&dash.upload_url())))
        .unwrap_err();
    assert_eq!(err.code, "upload_rejected");
    assert!(
        err.message.contains("413") && err.message.contains("uploads are limited"),
        "{}",
        err.message
    );
    assert_eq!(dash.request_count(), 1);
}

#[test]
fn a_dropped_connection_is_retried_then_reported() {
    let dash = DashboardDouble::start_with(Scenario::Drop);
    let key = key();
    let err = rt()
        .block_on(upload(&req(&key), &opts(&dash.upload_url())))
        .unwrap_err();
    assert!(err.code.as_str().starts_with("network_"), "{err:?}");
    assert_eq!(dash.request_count(), 3);
    let got = dash.requests();
    assert!(got
        .iter()
        .all(|r| r.idempotency_key() == got[0].idempotency_key()));
}

#[test]
fn drop_then_recovery_succeeds_with_the_same_key() {
    let dash = DashboardDouble::start_with(Scenario::Drop);
    let key = key();
    let mut o = opts(&dash.upload_url());
    o.max_attempts = 1;
    o.idempotency_key = Some("fixed-key-1".into());
    assert!(rt().block_on(upload(&req(&key), &o)).is_err());
    dash.set_scenario(Scenario::Ok);
    let receipt = rt().block_on(upload(&req(&key), &o)).unwrap();
    assert_eq!(receipt.idempotency_key, "fixed-key-1");
    assert_eq!(dash.stored().len(), 1);
}

#[test]
fn a_slow_dashboard_times_out() {
    let dash = DashboardDouble::start_with(Scenario::Slow(Duration::from_secs(3)));
    let key = key();
    let mut o = opts(&dash.upload_url());
    o.request_timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let err = rt().block_on(upload(&req(&key), &o)).unwrap_err();
    assert_eq!(err.code, "network_timeout");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "gave up promptly"
    );
}

#[test]
fn a_missing_token_stops_before_any_request() {
    let dash = DashboardDouble::start();
    let key = key();
    let mut o = opts(&dash.upload_url());
    o.token = Zeroizing::new("   ".into());
    let err = rt().block_on(upload(&req(&key), &o)).unwrap_err();
    assert_eq!(err.code, "missing_token");
    assert_eq!(dash.request_count(), 0);
}

#[test]
fn nobody_listening_is_network_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let key = key();
    let err = rt()
        .block_on(upload(
            &req(&key),
            &opts(&format!("http://127.0.0.1:{port}/upload")),
        ))
        .unwrap_err();
    assert_eq!(err.code, "network_unreachable");
}

#[test]
fn plain_http_to_a_real_host_is_refused() {
    let key = key();
    let err = rt()
        .block_on(upload(
            &req(&key),
            &opts("http://dashboard.example.com/upload"),
        ))
        .unwrap_err();
    assert_eq!(err.code, "config_invalid_url");
}

/// The account look-up (`GET <upload_url>` with the code, docs/upload-protocol.md "Whose
/// account"): the dashboard's name for the code's account, sanitised; 401 refuses the code; a
/// dashboard without the look-up gives `account_unconfirmed` and the merchant decides.
#[test]
fn the_account_look_up_names_the_codes_account_as_the_dashboard_says() {
    use asc_key_wizard::core::account::look_up;
    let dash = DashboardDouble::start();
    dash.expect_token("someone-else");
    dash.account_for(TOKEN, "Blue Shoes Ltd\u{202E}");
    let answer = rt()
        .block_on(look_up(&opts(&dash.upload_url())))
        .expect("look-up works");
    assert_eq!(answer.name.as_deref(), Some("Blue Shoes Ltd"));
    let host = dash.upload_url().split('/').nth(2).unwrap().to_owned();
    assert_eq!(
        answer.message,
        format!("The setup code belongs to the account “Blue Shoes Ltd”, as {host} says.")
    );
    assert!(answer.problem.is_none());
    assert_eq!(dash.lookups(), vec![(TOKEN.to_owned(), 200)]);
    assert_eq!(dash.request_count(), 0, "the look-up sends no key");

    let mut wrong = opts(&dash.upload_url());
    wrong.token = Zeroizing::new("not-known".into());
    let refused = rt().block_on(look_up(&wrong)).unwrap_err();
    assert_eq!(refused.code, "upload_unauthorized");

    dash.without_lookup();
    let unsure = rt()
        .block_on(look_up(&opts(&dash.upload_url())))
        .expect("an answer, not an error");
    assert_eq!(unsure.name, None);
    assert_eq!(
        unsure.problem.as_ref().map(|p| p.code.as_str()),
        Some("account_unconfirmed")
    );
    assert!(
        unsure.message.contains("could not confirm whose account"),
        "{}",
        unsure.message
    );
    assert!(!format!("{unsure:?}").contains(TOKEN));
}
