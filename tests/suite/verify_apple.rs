//! `core::apple::verify` against the loopback App Store Connect double: every
//! outcome of issue 3, each with its attempts and a bounded wall time
//! (timeouts and backoff are shrunk through `VerifyOptions`).

use crate::support::apple_double;

use apple_double::{Access, AppleDouble, Canned, DoubleKey, Scenario};
use asc_key_wizard::core::apple::{self, Credentials, Verification, VerifyOptions};
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::problem::Class;
use asc_key_wizard::core::token::{Lifetime, Signer};
use base64ct::{Base64UrlUnpadded, Encoding};
use p256::ecdsa::signature::Verifier;
use serde_json::Value;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

fn new_key() -> PrivateKey {
    PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng))
}

struct Fx {
    double: AppleDouble,
    key: PrivateKey,
}

/// A double that knows one admin team key.
fn fixture() -> Fx {
    let double = AppleDouble::start();
    let key = new_key();
    double.add_key(DoubleKey::team(KEY_ID, key.public_key(), ISSUER));
    Fx { double, key }
}

/// Short bounds so failure paths finish in well under a second or two.
fn fast(base: &str) -> VerifyOptions {
    VerifyOptions {
        api_base: Some(base.to_owned()),
        connect_timeout: Duration::from_millis(800),
        request_timeout: Duration::from_millis(800),
        run_budget: Duration::from_secs(5),
        backoff: vec![
            Duration::from_millis(50),
            Duration::from_millis(100),
            Duration::from_millis(200),
        ],
        ..VerifyOptions::default()
    }
}

async fn run_with(
    key: &PrivateKey,
    key_id: &str,
    issuer: Option<&str>,
    kind: KeyKind,
    opts: &VerifyOptions,
) -> Verification {
    let creds = Credentials {
        key,
        key_id,
        issuer_id: issuer,
        kind,
    };
    apple::verify(&creds, opts).await
}

async fn run(fx: &Fx) -> Verification {
    run_with(
        &fx.key,
        KEY_ID,
        Some(ISSUER),
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await
}

/// Outcome, attempts and wall time in one assertion with a readable failure.
fn expect(v: &Verification, outcome: &str, attempts: u32, started: Instant, max: Duration) {
    assert_eq!(v.outcome, outcome, "{v:#?}");
    assert_eq!(v.attempts, attempts, "{v:#?}");
    let took = started.elapsed();
    assert!(took <= max, "took {took:?} (> {max:?}): {v:#?}");
    assert!(v.elapsed_ms as u128 <= took.as_millis() + 5);
    assert!(!v.message.is_empty() && !v.hint.is_empty());
}

const QUICK: Duration = Duration::from_secs(3);

#[tokio::test]
async fn valid_key_lists_apps_and_capabilities() {
    let fx = fixture();
    fx.double
        .set_apps(&[("Shop", "com.example.shop"), ("Blog", "com.example.blog")]);
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "valid", 1, t, QUICK);
    assert!(v.is_valid());
    assert_eq!(v.class(), Class::Usable);
    assert_eq!(v.http_status, Some(200));
    assert_eq!(v.apps_total, Some(2));
    assert_eq!(v.apps[1].name, "Blog");
    assert_eq!(v.apps[1].bundle_id, "com.example.blog");
    assert_eq!(v.capabilities.signing, Some(true));
    assert_eq!(v.capabilities.users, Some(true));
    let rl = v.rate_limit.expect("X-Rate-Limit parsed");
    assert_eq!(rl.limit, 3600);
    assert!(rl.remaining < 3600);
    assert!(v.clock_offset_s.unwrap().abs() <= 2, "{v:?}");
    // The check, then the three probes, and nothing else.
    let paths: Vec<String> = fx.double.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(paths.len(), 4, "{paths:?}");
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.as_str() == apple::APPS_PATH)
            .count(),
        1
    );
    for p in [
        apple::CERTIFICATES_PATH,
        apple::BUNDLE_IDS_PATH,
        apple::USERS_PATH,
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} not probed: {paths:?}");
    }
    assert!(fx.double.requests().iter().all(|r| r.status == 200));
}

#[tokio::test]
async fn missing_rate_limit_header_gives_null() {
    let fx = fixture();
    fx.double.set_rate_limit_header(false);
    let v = run(&fx).await;
    assert_eq!(v.outcome, "valid");
    assert_eq!(v.rate_limit, None);
}

#[tokio::test]
async fn wrong_key_is_not_authorized_after_one_retry() {
    let fx = fixture();
    let other = new_key();
    let t = Instant::now();
    let v = run_with(
        &other,
        KEY_ID,
        Some(ISSUER),
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await;
    // Two tries, then the one follow-up that applies: the team key signed as an individual one.
    expect(&v, "not_authorized", 3, t, QUICK);
    assert_eq!(v.class(), Class::Refused);
    assert_eq!(v.http_status, Some(401));
    assert_eq!(fx.double.request_count(), 3, "no probes after a refusal");
    assert_eq!(v.tried, ["other_kind"]);
    let claims = decode(&fx.double.tokens()[2]).1;
    assert_eq!(claims["sub"], "user");
    assert!(claims.get("iss").is_none(), "{claims}");
    assert!(
        v.hint.contains("Issuer ID") && v.hint.contains("revoked"),
        "{}",
        v.hint
    );
    // What the follow-up ruled out is said once, and no longer asked of the person.
    assert!(
        v.message
            .contains("Also tried, and refused too: the other kind of key"),
        "{}",
        v.message
    );
    assert!(!v.hint.contains("Team vs Individual"), "{}", v.hint);
    assert_eq!(v.capabilities.signing, None);
    // Each try carried a freshly signed token.
    let tokens = fx.double.tokens();
    assert_ne!(tokens[0], tokens[1]);
}

#[tokio::test]
async fn wrong_key_id_is_not_authorized() {
    let fx = fixture();
    let t = Instant::now();
    let v = run_with(
        &fx.key,
        "ZZZZZZZZZZ",
        Some(ISSUER),
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await;
    expect(&v, "not_authorized", 3, t, QUICK);
    assert!(fx.double.requests()[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("unknown kid"));
}

#[tokio::test]
async fn wrong_issuer_is_not_authorized() {
    let fx = fixture();
    let t = Instant::now();
    let wrong = "11111111-2222-3333-4444-555555555555";
    let v = run_with(
        &fx.key,
        KEY_ID,
        Some(wrong),
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await;
    expect(&v, "not_authorized", 3, t, QUICK);
    assert_eq!(fx.double.requests()[0].reason.as_deref(), Some("wrong iss"));
}

#[tokio::test]
async fn revoked_key_is_not_authorized() {
    let fx = fixture();
    fx.double.revoke(KEY_ID);
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "not_authorized", 3, t, QUICK);
    assert_eq!(fx.double.requests()[1].reason.as_deref(), Some("revoked"));
}

#[tokio::test]
async fn transient_401_clears_with_a_fresh_token() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::unauthorized(Some(1)));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "valid", 2, t, QUICK);
    assert_eq!(fx.double.count_path("/v1/apps"), 2);
}

#[tokio::test]
async fn role_without_signing_access_is_valid_but_says_so() {
    let fx = fixture();
    let key = new_key();
    fx.double.add_key(
        DoubleKey::team("SALES12345", key.public_key(), ISSUER).with_access(Access::NO_SIGNING),
    );
    let t = Instant::now();
    let v = run_with(
        &key,
        "SALES12345",
        Some(ISSUER),
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await;
    expect(&v, "valid", 1, t, QUICK);
    assert_eq!(v.capabilities.signing, Some(false));
    assert_eq!(v.capabilities.users, Some(true));
    assert!(v.hint.contains("Admin"), "{}", v.hint);
    let certs = fx
        .double
        .requests()
        .into_iter()
        .find(|r| r.target == apple::CERTIFICATES_PATH)
        .unwrap();
    assert_eq!(certs.status, 403);
}

#[tokio::test]
async fn role_too_low_for_apps_is_forbidden_role() {
    let fx = fixture();
    let key = new_key();
    fx.double.add_key(
        DoubleKey::team("FINANCE123", key.public_key(), ISSUER).with_access(Access::NO_APPS),
    );
    let t = Instant::now();
    let v = run_with(
        &key,
        "FINANCE123",
        Some(ISSUER),
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await;
    expect(&v, "forbidden_role", 1, t, QUICK);
    assert_eq!(v.http_status, Some(403));
    assert_eq!(v.class(), Class::Refused);
    assert_eq!(fx.double.request_count(), 1);
}

#[tokio::test]
async fn agreement_missing_new_and_old_forms() {
    for scenario in [
        Scenario::agreement(),
        Scenario::agreement_old(),
        Scenario::agreement_pla(),
    ] {
        let fx = fixture();
        fx.double.set_scenario(scenario);
        let t = Instant::now();
        let v = run(&fx).await;
        expect(&v, "agreement_required", 1, t, QUICK);
        assert!(
            v.hint.contains("Account Holder") && v.hint.contains("new key will not help"),
            "{}",
            v.hint
        );
    }
}

#[tokio::test]
async fn other_403_is_forbidden() {
    let fx = fixture();
    let canned = apple_double::error_response(403, "FORBIDDEN.SOMETHING_ELSE");
    fx.double.set_scenario(Scenario::Fail {
        canned,
        times: None,
    });
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "forbidden", 1, t, QUICK);
    assert!(
        v.message.contains("FORBIDDEN.SOMETHING_ELSE"),
        "{}",
        v.message
    );
    // Apple's own title and detail go to `detail`, not into the message.
    assert_eq!(
        v.detail.as_deref(),
        Some("FORBIDDEN.SOMETHING_ELSE: An unexpected error occurred. The server had trouble answering; try again later.")
    );
    assert!(
        !v.message.contains("unexpected error occurred"),
        "{}",
        v.message
    );
}

#[tokio::test]
async fn rate_limited_without_retry_after_backs_off_three_tries() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::rate_limited(None, None));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "rate_limited", 3, t, QUICK);
    assert_eq!(v.class(), Class::NoAnswer);
    assert_eq!(fx.double.request_count(), 3);
    // Two waits of the injected backoff: 50 ms + 100 ms.
    assert!(t.elapsed() >= Duration::from_millis(150));
    assert_eq!(v.http_status, Some(429));
}

#[tokio::test]
async fn rate_limited_honours_retry_after() {
    let fx = fixture();
    fx.double
        .set_scenario(Scenario::rate_limited(Some(1), Some(1)));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "valid", 2, t, Duration::from_secs(4));
    assert!(
        t.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 not honoured"
    );
}

#[tokio::test]
async fn rate_limited_with_retry_after_beyond_the_budget_stops_at_once() {
    let fx = fixture();
    fx.double
        .set_scenario(Scenario::rate_limited(Some(600), None));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "rate_limited", 1, t, QUICK);
    assert!(v.hint.contains("10 minutes"), "{}", v.hint);
}

#[tokio::test]
async fn server_error_then_success() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::status(500, Some(1)));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "valid", 2, t, QUICK);
    // The passing 500's words are not carried into the valid answer.
    assert_eq!(v.detail, None);
    assert!(serde_json::to_value(&v).unwrap().get("detail").is_none());
}

#[tokio::test]
async fn service_unavailable_always() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::status(503, None));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "apple_unavailable", 3, t, QUICK);
    assert_eq!(v.http_status, Some(503));
    assert_eq!(fx.double.request_count(), 3);
}

#[tokio::test]
async fn slow_answer_times_out() {
    let fx = fixture();
    fx.double
        .set_scenario(Scenario::Slow(Duration::from_secs(3)));
    let mut opts = fast(&fx.double.base_url());
    opts.request_timeout = Duration::from_millis(300);
    let t = Instant::now();
    let v = run_with(&fx.key, KEY_ID, Some(ISSUER), KeyKind::Team, &opts).await;
    expect(&v, "network_timeout", 1, t, Duration::from_millis(1500));
    assert_eq!(v.http_status, None);
}

#[tokio::test]
async fn run_budget_bounds_everything() {
    let fx = fixture();
    fx.double
        .set_scenario(Scenario::Slow(Duration::from_secs(3)));
    let mut opts = fast(&fx.double.base_url());
    opts.request_timeout = Duration::from_secs(20);
    opts.run_budget = Duration::from_millis(400);
    let t = Instant::now();
    let v = run_with(&fx.key, KEY_ID, Some(ISSUER), KeyKind::Team, &opts).await;
    expect(&v, "network_timeout", 1, t, Duration::from_millis(1500));
}

#[tokio::test]
async fn dropped_connection_is_unreachable() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::DropConnection);
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "network_unreachable", 1, t, QUICK);
}

#[tokio::test]
async fn refused_connection_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let key = new_key();
    let t = Instant::now();
    let v = run_with(
        &key,
        KEY_ID,
        Some(ISSUER),
        KeyKind::Team,
        &fast(&format!("http://127.0.0.1:{port}")),
    )
    .await;
    expect(&v, "network_unreachable", 1, t, QUICK);
    assert!(v.message.contains("127.0.0.1"), "{}", v.message);
    // Plain words in the message, the OS's own text under "Details" (without the address).
    let detail = v.detail.as_deref().expect("a detail");
    assert!(detail.to_ascii_lowercase().contains("refused"), "{detail}");
    assert!(
        !detail.contains(&port.to_string()) && !v.message.contains("os error"),
        "{detail} / {}",
        v.message
    );
}

#[tokio::test]
async fn https_to_a_plain_server_is_a_tls_error() {
    let fx = fixture();
    let base = fx.double.base_url().replace("http://", "https://");
    let t = Instant::now();
    let v = run_with(&fx.key, KEY_ID, Some(ISSUER), KeyKind::Team, &fast(&base)).await;
    expect(&v, "tls_error", 1, t, QUICK);
    assert!(
        v.detail
            .as_deref()
            .is_some_and(|d| !d.is_empty() && d != "no further detail"),
        "{:?}",
        v.detail
    );
}

#[tokio::test]
async fn garbage_200_is_a_bad_response() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::Garbage200);
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "apple_bad_response", 1, t, QUICK);
    assert_eq!(v.http_status, Some(200));
    assert_eq!(v.apps_total, None);
}

#[tokio::test]
async fn plain_text_error_does_not_crash() {
    let fx = fixture();
    fx.double.set_scenario(Scenario::plain_text(406));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "apple_bad_response", 1, t, QUICK);
    assert_eq!(v.http_status, Some(406));
    assert_eq!(
        v.detail.as_deref(),
        Some("HTTP 406 with 14 bytes that are not Apple's JSON")
    );
}

#[tokio::test]
async fn fifty_mib_body_is_refused_without_reading_it() {
    for declare_length in [true, false] {
        let fx = fixture();
        fx.double.set_scenario(Scenario::HugeBody {
            bytes: 50 << 20,
            declare_length,
        });
        let t = Instant::now();
        let v = run(&fx).await;
        expect(&v, "apple_bad_response", 1, t, QUICK);
        assert_eq!(v.http_status, Some(200));
    }
}

#[tokio::test]
async fn clock_ten_minutes_off_signs_on_apples_clock() {
    for offset in [600i64, -600] {
        let fx = fixture();
        fx.double.set_date_offset(offset);
        let t = Instant::now();
        let v = run(&fx).await;
        // Two refused tries, then one signed on Apple's clock (its Date header) that Apple takes.
        expect(&v, "valid", 3, t, QUICK);
        let got = v.clock_offset_s.unwrap();
        assert!((got - offset).abs() <= 2, "offset {got} vs {offset}");
        assert_eq!(v.warnings.len(), 1, "{v:#?}");
        assert_eq!(v.warnings[0].code, "clock_offset");
        assert!(
            v.warnings[0].message.contains("10 minutes"),
            "{}",
            v.warnings[0].message
        );
        assert!(
            v.warnings[0].message.contains("The key is fine"),
            "{}",
            v.warnings[0].message
        );
        assert!(v.tried.is_empty());
        let reqs = fx.double.requests();
        assert_eq!(
            reqs.iter()
                .filter(|r| r.target.starts_with("/v1/apps"))
                .map(|r| r.status)
                .collect::<Vec<_>>(),
            [401, 401, 200]
        );
        // The accepted token's iat is on Apple's clock, and so are the probes' (they answered).
        let ours = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let iat = decode(reqs[2].token.as_deref().unwrap()).1["iat"]
            .as_i64()
            .unwrap();
        assert!(
            (iat - (ours + offset)).abs() <= 65,
            "iat {iat} vs Apple's now {}",
            ours + offset
        );
        assert_eq!(v.capabilities.signing, Some(true), "{v:#?}");
        assert_eq!(v.class(), Class::Usable);
    }
}

#[tokio::test]
async fn a_refusal_that_lasts_on_apples_clock_is_clock_skew_with_what_was_tried() {
    let fx = fixture();
    fx.double.set_date_offset(600);
    fx.double.revoke(KEY_ID);
    let mut opts = fast(&fx.double.base_url());
    opts.file_key_id = Some("AAAAAAAAAA".into());
    let t = Instant::now();
    let v = run_with(&fx.key, KEY_ID, Some(ISSUER), KeyKind::Team, &opts).await;
    // Never more than three follow-ups: Apple's clock, the file name's Key ID, the other kind.
    expect(&v, "clock_skew", 5, t, QUICK);
    assert_eq!(v.tried, ["apple_clock", "file_key_id", "other_kind"]);
    assert!(v.hint.contains("still refused"), "{}", v.hint);
    assert!(v.warnings.is_empty());
    let reqs = fx.double.requests();
    assert_eq!(reqs.len(), 5, "no probes: {reqs:#?}");
    let kid = |i: usize| {
        jsonwebtoken::decode_header(reqs[i].token.as_deref().unwrap())
            .unwrap()
            .kid
            .unwrap()
    };
    assert_eq!(kid(3), "AAAAAAAAAA");
    // Once the clock is known to be off, the later follow-ups sign on Apple's clock too.
    for i in [3, 4] {
        assert_ne!(reqs[i].reason.as_deref(), Some("iat in the future"));
        assert_ne!(reqs[i].reason.as_deref(), Some("expired"));
    }
    let last = decode(reqs[4].token.as_deref().unwrap()).1;
    assert_eq!(last["sub"], "user", "the other kind: {last}");
    assert!(last.get("iss").is_none(), "{last}");
}

#[tokio::test]
async fn the_key_id_from_the_file_name_is_tried_when_it_differs() {
    let fx = fixture();
    let mut opts = fast(&fx.double.base_url());
    opts.file_key_id = Some(KEY_ID.into());
    let t = Instant::now();
    let v = run_with(&fx.key, "ZZZZZZZZZZ", Some(ISSUER), KeyKind::Team, &opts).await;
    expect(&v, "key_id_from_file_name", 3, t, QUICK);
    assert_eq!(v.class(), Class::Usage);
    assert!(
        v.message.contains(KEY_ID) && v.message.contains("ZZZZZZZZZZ"),
        "{}",
        v.message
    );
    assert!(v.hint.contains(&format!("Use {KEY_ID}")), "{}", v.hint);
    assert_eq!(
        fx.double.request_count(),
        3,
        "no probes for a key given with the wrong ID"
    );

    // The same file name as the Key ID given: nothing to try, the other kind is.
    fx.double.clear_requests();
    let v = run_with(
        &fx.key,
        KEY_ID,
        Some("11111111-2222-3333-4444-555555555555"),
        KeyKind::Team,
        &opts,
    )
    .await;
    assert_eq!(
        (v.outcome.as_str(), v.attempts),
        ("not_authorized", 3),
        "{v:#?}"
    );
    assert_eq!(v.tried, ["other_kind"]);
}

#[tokio::test]
async fn a_follow_up_that_gets_no_answer_ends_the_follow_ups() {
    let fx = fixture();
    fx.double.set_date_offset(600);
    // Two 401s, then Apple has an outage: the follow-up's 503 says nothing about who the key is.
    fx.double.set_scenario(Scenario::Script(vec![
        apple_double::error_response(401, "NOT_AUTHORIZED"),
        apple_double::error_response(401, "NOT_AUTHORIZED"),
        apple_double::error_response(503, "SERVICE_UNAVAILABLE"),
    ]));
    let t = Instant::now();
    let v = run(&fx).await;
    expect(&v, "clock_skew", 3, t, QUICK);
    assert!(v.tried.is_empty(), "{v:#?}");
    assert_eq!(fx.double.request_count(), 3, "nothing asked after the 503");
}

#[tokio::test]
async fn small_clock_offset_is_fine() {
    let fx = fixture();
    fx.double.set_date_offset(20);
    let v = run(&fx).await;
    assert_eq!(v.outcome, "valid", "{v:?}");
}

#[tokio::test]
async fn individual_key_signs_with_sub_user() {
    let fx = fixture();
    let key = new_key();
    fx.double
        .add_key(DoubleKey::individual("INDIV12345", key.public_key()));
    let t = Instant::now();
    let v = run_with(
        &key,
        "INDIV12345",
        None,
        KeyKind::Individual,
        &fast(&fx.double.base_url()),
    )
    .await;
    expect(&v, "valid", 1, t, QUICK);
    let claims = decode(&fx.double.tokens()[0]).1;
    assert_eq!(claims["sub"], "user");
    assert!(claims.get("iss").is_none(), "{claims}");

    // The same key presented as a team key: Apple refuses it, and the follow-up signed as an
    // individual key is accepted, so the outcome says which kind the key is.
    fx.double.clear_requests();
    let t = Instant::now();
    let v = run_with(
        &key,
        "INDIV12345",
        Some(ISSUER),
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await;
    expect(&v, "key_is_individual", 3, t, QUICK);
    assert_eq!(v.class(), Class::Usage);
    assert!(v.hint.contains("team key"), "{}", v.hint);
    assert_eq!(fx.double.request_count(), 3, "no probes");
    // A team key presented as individual: with no Issuer ID at hand, nothing else to try.
    let v = run_with(
        &fx.key,
        KEY_ID,
        None,
        KeyKind::Individual,
        &fast(&fx.double.base_url()),
    )
    .await;
    assert_eq!(
        (v.outcome.as_str(), v.attempts),
        ("not_authorized", 2),
        "{v:#?}"
    );
    assert!(v.tried.is_empty());
    assert!(v.hint.contains("Team vs Individual"), "{}", v.hint);
    // With the Issuer ID the person typed, the follow-up signs it as a team key.
    let mut opts = fast(&fx.double.base_url());
    opts.issuer_id_to_try = Some(ISSUER.into());
    let t = Instant::now();
    let v = run_with(&fx.key, KEY_ID, None, KeyKind::Individual, &opts).await;
    expect(&v, "key_is_team", 3, t, QUICK);
    assert!(v.hint.contains("Issuer ID"), "{}", v.hint);
}

#[tokio::test]
async fn team_key_without_issuer_makes_no_request() {
    let fx = fixture();
    let v = run_with(
        &fx.key,
        KEY_ID,
        None,
        KeyKind::Team,
        &fast(&fx.double.base_url()),
    )
    .await;
    assert_eq!(v.outcome, "issuer_id_missing");
    assert_eq!(v.class(), Class::Usage);
    assert_eq!(v.attempts, 0);
    assert_eq!(fx.double.request_count(), 0);
}

#[tokio::test]
async fn plain_http_only_for_loopback() {
    let key = new_key();
    for base in [
        "http://api.appstoreconnect.apple.com",
        "http://192.168.1.10:8080",
        "http://example.com",
    ] {
        let t = Instant::now();
        let v = run_with(&key, KEY_ID, Some(ISSUER), KeyKind::Team, &fast(base)).await;
        assert_eq!(v.outcome, "api_base_not_https", "{base}");
        assert_eq!(v.attempts, 0);
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "no network call for {base}"
        );
    }
    // localhost spelled as a name is loopback too.
    let fx = fixture();
    let base = fx.double.base_url().replace("127.0.0.1", "localhost");
    let v = run_with(&fx.key, KEY_ID, Some(ISSUER), KeyKind::Team, &fast(&base)).await;
    assert_eq!(v.outcome, "valid", "{v:?}");
}

/// Header, claims (as JSON) and raw signature of a compact JWS.
fn decode(token: &str) -> (Value, Value, Vec<u8>) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "compact JWS");
    let part = |s: &str| {
        serde_json::from_slice::<Value>(&Base64UrlUnpadded::decode_vec(s).unwrap()).unwrap()
    };
    (
        part(parts[0]),
        part(parts[1]),
        Base64UrlUnpadded::decode_vec(parts[2]).unwrap(),
    )
}

#[tokio::test]
async fn tokens_claim_by_claim() {
    let fx = fixture();
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let v = run(&fx).await;
    assert_eq!(v.outcome, "valid");
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = &fx.double.tokens()[0];
    let (header, claims, sig) = decode(token);
    assert_eq!(
        claims["scope"],
        serde_json::json!([format!("GET {}", apple::APPS_PATH)])
    );
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["kid"], KEY_ID);
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header.as_object().unwrap().len(), 3, "{header}");
    assert_eq!(claims["iss"], ISSUER);
    assert!(claims.get("sub").is_none());
    assert_eq!(claims["aud"], "appstoreconnect-v1");
    let iat = claims["iat"].as_u64().unwrap();
    let exp = claims["exp"].as_u64().unwrap();
    assert!(
        iat >= before - 60 && iat <= after - 60,
        "iat backdated 60 s: {iat} vs {before}..{after}"
    );
    assert_eq!(exp - iat, 300, "default lifetime: 5 minutes");
    assert_eq!(claims.as_object().unwrap().len(), 5, "{claims}");
    assert_eq!(sig.len(), 64, "raw r||s");
    let (signed, _) = token.rsplit_once('.').unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&sig).unwrap();
    fx.key
        .verifying_key()
        .verify(signed.as_bytes(), &sig)
        .expect("signature verifies");
}

#[tokio::test]
async fn scoped_token_only_opens_its_request() {
    let fx = fixture();
    let creds = Credentials {
        key: &fx.key,
        key_id: KEY_ID,
        issuer_id: Some(ISSUER),
        kind: KeyKind::Team,
    };
    let signer = Signer::new(&creds)
        .unwrap()
        .with_lifetime(Lifetime::MAX)
        .with_scope(["GET /v1/users?limit=1"]);
    let token = signer.sign();
    let (_, claims, _) = decode(token.expose());
    assert_eq!(
        claims["scope"],
        serde_json::json!(["GET /v1/users?limit=1"])
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        1200
    );
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let get = |path: &'static str| {
        let req = http
            .get(format!("{}{path}", fx.double.base_url()))
            .bearer_auth(token.expose());
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get("/v1/users?limit=1").await, 200);
    assert_eq!(get("/v1/apps?limit=1").await, 401);
    let reason = fx.double.requests()[1].reason.clone().unwrap();
    assert!(reason.contains("scope"), "{reason}");
}

#[tokio::test]
async fn the_double_refuses_future_and_expired_tokens() {
    // Guards the double itself: the checks the client relies on are real.
    let fx = fixture();
    let creds = Credentials {
        key: &fx.key,
        key_id: KEY_ID,
        issuer_id: Some(ISSUER),
        kind: KeyKind::Team,
    };
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}/v1/apps?limit=1", fx.double.base_url());
    let status = |tok: String| {
        let req = http.get(&url).bearer_auth(tok);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    let signer = Signer::new(&creds).unwrap();
    let at = |t: SystemTime| {
        signer
            .sign_request_at(t, "GET", "/v1/apps?limit=1")
            .expose()
            .to_owned()
    };
    assert_eq!(status(at(SystemTime::now())).await, 200);
    let future = SystemTime::now() + Duration::from_secs(300);
    assert_eq!(status(at(future)).await, 401);
    let past = SystemTime::now() - Duration::from_secs(3600);
    assert_eq!(status(at(past)).await, 401);
    let reasons: Vec<_> = fx
        .double
        .requests()
        .into_iter()
        .filter_map(|r| r.reason)
        .collect();
    assert_eq!(
        reasons,
        vec!["iat in the future".to_string(), "expired".to_string()]
    );
    // A canned body the double serves is Apple-shaped.
    let Canned { body, .. } = apple_double::error_response(401, "NOT_AUTHORIZED");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["errors"][0]["status"], "401");
}

/// A token built by hand, for shapes our signer refuses to make.
fn hand_token(key: &PrivateKey, claims: Value, der: bool) -> String {
    use p256::ecdsa::signature::Signer as _;
    let header = serde_json::json!({"alg": "ES256", "kid": KEY_ID, "typ": "JWT"});
    let enc = |v: &Value| Base64UrlUnpadded::encode_string(&serde_json::to_vec(v).unwrap());
    let signed = format!("{}.{}", enc(&header), enc(&claims));
    let sig: p256::ecdsa::Signature = key.signing_key().sign(signed.as_bytes());
    let sig = if der {
        sig.to_der().as_bytes().to_vec()
    } else {
        sig.to_bytes().to_vec()
    };
    format!("{signed}.{}", Base64UrlUnpadded::encode_string(&sig))
}

#[tokio::test]
async fn the_double_refuses_overlong_and_der_signed_tokens() {
    let fx = fixture();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}/v1/apps?limit=1", fx.double.base_url());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = |life: u64| {
        serde_json::json!({"iss": ISSUER, "iat": now - 60, "exp": now - 60 + life,
        "aud": "appstoreconnect-v1", "scope": ["GET /v1/apps?limit=1"]})
    };
    let mut statuses = Vec::new();
    for tok in [
        hand_token(&fx.key, claims(1200), false),
        hand_token(&fx.key, claims(1201), false),
        hand_token(&fx.key, claims(600), true),
        hand_token(
            &fx.key,
            serde_json::json!({"iss": ISSUER, "exp": now + 600, "aud": "other", "scope": ["GET /v1/apps?limit=1"]}),
            false,
        ),
        hand_token(
            &fx.key,
            serde_json::json!({"iss": ISSUER, "iat": now - 60, "exp": now + 240, "aud": "appstoreconnect-v1"}),
            false,
        ),
    ] {
        statuses.push(
            http.get(&url)
                .bearer_auth(tok)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, vec![200, 401, 401, 401, 401]);
    let reasons: Vec<_> = fx.double.requests().into_iter().map(|r| r.reason).collect();
    assert_eq!(reasons[1].as_deref(), Some("lifetime over 20 minutes"));
    assert_eq!(reasons[4].as_deref(), Some("no scope"));
}

#[tokio::test]
async fn every_request_has_its_own_token_scoped_to_it_alone() {
    // A transient 401 makes the check request go twice; then come the three probes.
    let fx = fixture();
    fx.double.set_scenario(Scenario::unauthorized(Some(1)));
    let v = run(&fx).await;
    assert_eq!(v.outcome, "valid", "{v:#?}");
    let requests = fx.double.requests();
    assert_eq!(requests.len(), 5, "{requests:#?}");
    let mut seen = std::collections::HashSet::new();
    for r in &requests {
        let token = r.token.as_deref().expect("every request is signed");
        assert!(
            seen.insert(token.to_owned()),
            "a token was used twice: {}",
            r.target
        );
        let (_, claims, _) = decode(token);
        assert_eq!(
            claims["scope"],
            serde_json::json!([format!("{} {}", r.method, r.target)]),
            "{claims}"
        );
        let life = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
        assert!(life <= 1200 && life == Lifetime::DEFAULT.secs(), "{life}");
    }
    assert_eq!(Lifetime::DEFAULT.secs(), 300);
}
