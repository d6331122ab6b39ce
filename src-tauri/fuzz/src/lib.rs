//! The fuzz targets' bodies, one function per target, each calling the real core entry points.
//!
//! Both `fuzz_targets/*.rs` (libFuzzer, nightly) and `tests/suite/fuzz_smoke.rs` (stable, part of the
//! test command, which includes this file with `#[path]`) call these, so there is one body per
//! target. A body panics only when the core broke a promise: a panic reachable from input is a
//! real bug, because the release build aborts on panic with the key in memory.

use asc_key_wizard::core::apple::client::{parse_date, parse_retry_after, MAX_RETRY_AFTER};
use asc_key_wizard::core::apple::offset_secs;
use asc_key_wizard::core::apple::outcome::{
    apple_error_code, forbidden_outcome, parse_apps, parse_rate_limit,
};
use asc_key_wizard::core::apple::words::{describe, Answer, Context};
use asc_key_wizard::core::config;
use asc_key_wizard::core::ids::{
    check_ids, key_id_from_file_name, normalize_issuer_id, normalize_key_id, parse_key_id, KeyIds,
    KeyKind,
};
use asc_key_wizard::core::key::{self, check, read_reader, CheckInput, Checked};
use asc_key_wizard::core::upload::{server_message, UploadOptions, MAX_MESSAGE_CHARS};
use asc_key_wizard::core::vault::index::parse_entries;
use std::time::SystemTime;

/// A target: its name (the `fuzz_targets/<name>.rs` file and the corpus folder) and body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: &[Target] = &[
    ("key_check", key_check),
    ("key_der", key_der),
    ("ids", ids),
    ("apple_body", apple_body),
    ("apple_headers", apple_headers),
    ("dashboard_message", dashboard_message),
    ("config", config_file),
    ("index", index),
];

/// IDs the check is given alongside the bytes, picked by the input's length so that mutations
/// reach every branch of the reconciliation (given, from the file name, mismatching, none).
const ID_CASES: [(Option<&str>, Option<&str>, Option<&str>); 4] = [
    (None, None, None),
    (Some("AuthKey_2X9R4HXF34.p8"), None, None),
    (
        None,
        Some("2X9R4HXF34"),
        Some("57246542-96fe-1a63-e053-0824d011072a"),
    ),
    (
        Some("SubscriptionKey_2X9R4HXF34.p8"),
        Some(" 'aaaaaaaaaa' "),
        Some("not an issuer"),
    ),
];

/// The key reader, the repairs and the parser: a file's bytes through `read_reader` and `check`.
pub fn key_check(data: &[u8]) {
    let (file_name, key_id, issuer_id) = ID_CASES[data.len() % ID_CASES.len()];
    let bytes = match read_reader(data) {
        Ok(bytes) => bytes,
        Err(p) => return assert!(p.is(asc_key_wizard::core::problem::Code::TooLarge), "{p:?}"),
    };
    // Both kinds: an individual key's given Key ID may have another length (a warning).
    let kind = if data.len() % 2 == 1 {
        KeyKind::Individual
    } else {
        KeyKind::Team
    };
    let checked = check(CheckInput {
        bytes: &bytes,
        file_name,
        key_id,
        issuer_id,
        kind,
    });
    assert_consistent(&checked);
    // Repairs are idempotent: the canonical form of a usable key needs none and is the same key.
    if let Some(key) = &checked.key {
        let again = check(CheckInput {
            bytes: key.canonical_pem().as_bytes(),
            ..Default::default()
        });
        assert!(
            again.report.ok && again.report.notes.is_empty(),
            "{:?}",
            again.report
        );
        assert_eq!(again.report.fingerprint, checked.report.fingerprint);
    }
}

/// The check's one shape: a usable key with its fingerprint, or at least one `{code, message,
/// hint}`; never both, never neither.
pub fn assert_consistent(c: &Checked) {
    let r = &c.report;
    assert_eq!(c.key.is_some(), r.ok, "key iff ok: {r:?}");
    if r.ok {
        assert!(r.problems.is_empty(), "{r:?}");
        let fp = r.fingerprint.as_deref().unwrap_or_default();
        assert!(fp.starts_with("sha256:") && fp.len() == 71, "{r:?}");
    } else {
        assert!(!r.problems.is_empty(), "not ok needs a problem: {r:?}");
    }
    for p in r.problems.iter().chain(&r.warnings) {
        assert!(!p.message.is_empty() && !p.hint.is_empty(), "{p:?}");
    }
}

/// The strict DER parser alone (what a `.der` file or a decoded body reaches).
pub fn key_der(data: &[u8]) {
    if let Err(p) = key::parse_der(data) {
        assert!(!p.message.is_empty() && !p.hint.is_empty(), "{p:?}");
    }
}

/// Split fuzz bytes into `n` text fields at 0xFF (a byte no UTF-8 text holds), each decoded
/// lossily as pasted text would be.
fn fields(data: &[u8], n: usize) -> Vec<String> {
    let mut parts: Vec<String> = data
        .splitn(n, |b| *b == 0xFF)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    parts.resize(n, String::new());
    parts
}

/// The ID parsers: Key ID, Issuer ID, a Key ID from a file name, and both faces' checks.
pub fn ids(data: &[u8]) {
    let f = fields(data, 3);
    let (key_id, issuer_id, file_name) = (&f[0], &f[1], &f[2]);
    if let Ok(n) = normalize_key_id(key_id) {
        assert!(
            n.value.len() == 10
                && n.value
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "{n:?}"
        );
        // Normalising is idempotent: the tidied value needs no further tidying.
        assert_eq!(
            normalize_key_id(&n.value).map(|m| (m.value, m.notes.len())),
            Ok((n.value, 0))
        );
    }
    if let Ok(n) = normalize_issuer_id(issuer_id) {
        assert!(
            n.value.len() == 36 && !n.value.bytes().any(|b| b.is_ascii_uppercase()),
            "{n:?}"
        );
        assert_eq!(
            normalize_issuer_id(&n.value).map(|m| (m.value, m.notes.len())),
            Ok((n.value, 0))
        );
    }
    let _ = key_id_from_file_name(file_name);
    let kind = if data.len().is_multiple_of(2) {
        KeyKind::Team
    } else {
        KeyKind::Individual
    };
    let checked = check_ids(key_id, issuer_id, kind, Some(file_name));
    let parsed = KeyIds::parse(key_id, Some(issuer_id), kind);
    assert_eq!(
        parsed.is_ok(),
        checked.is_ok(kind),
        "{parsed:?} vs {checked:?}"
    );
    // A lone Key ID (a saved key to show, test or delete) follows the individual rule, the most
    // lenient: whatever the field check accepted, it accepts the same way.
    if checked.key_id.value.is_some() {
        assert_eq!(parse_key_id(key_id).ok(), checked.key_id.value);
    }
    if kind == KeyKind::Individual {
        assert_eq!(parse_key_id(key_id).ok(), checked.key_id.value);
    }
}

/// Apple's answer bodies: JSON:API errors (the 401/403 wording) and the app list.
pub fn apple_body(data: &[u8]) {
    let code = apple_error_code(data);
    if let Some(c) = &code {
        assert!(
            c.chars().count() <= 100 && !c.chars().any(char::is_control),
            "{c:?}"
        );
    }
    let outcome = forbidden_outcome(code.as_deref());
    let cx = Context {
        apple_code: code.clone(),
        http_status: Some(403),
        ..Context::default()
    };
    assert_printable(&describe(outcome, &cx));
    if let Some((total, apps)) = parse_apps(data) {
        assert!(
            apps.len() <= 200 && total as usize >= apps.len(),
            "{total} {}",
            apps.len()
        );
        for app in &apps {
            assert!(
                !app.name
                    .chars()
                    .chain(app.bundle_id.chars())
                    .any(char::is_control),
                "{app:?}"
            );
        }
        let cx = Context {
            apps_total: Some(total),
            ..Context::default()
        };
        assert_printable(&describe(Answer::Valid, &cx));
    }
}

/// Apple's headers: `X-Rate-Limit`, `Retry-After` and `Date`, each given the same value (any
/// header may carry anything), and the words built from them.
pub fn apple_headers(data: &[u8]) {
    // `get` reads headers with `to_str`, which only passes visible ASCII; any UTF-8 is wider.
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(rl) = parse_rate_limit(value) {
        let _ = (rl.limit, rl.remaining);
    }
    let retry = parse_retry_after(value);
    assert!(retry.is_none_or(|d| d <= MAX_RETRY_AFTER), "{retry:?}");
    let cx = Context {
        retry_after_s: retry.map(|d| d.as_secs()),
        ..Context::default()
    };
    assert_printable(&describe(Answer::RateLimited, &cx));
    if let Some(date) = parse_date(value) {
        let offset = offset_secs(date, SystemTime::now());
        let cx = Context {
            clock_offset_s: Some(offset),
            ..Context::default()
        };
        assert_printable(&describe(Answer::ClockSkew, &cx));
    }
}

/// The dashboard's answer body, shown to the user after a refused upload.
pub fn dashboard_message(data: &[u8]) {
    if let Some(m) = server_message(data) {
        assert!(
            !m.is_empty() && m.chars().count() <= MAX_MESSAGE_CHARS + 1,
            "{m:?}"
        );
        assert!(!m.chars().any(char::is_control), "{m:?}");
    }
}

/// The destination config (`config.json`), as `config::load_file` reads it after the size cap.
pub fn config_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(c) = config::parse(text, "fuzz.json") else {
        return;
    };
    let _ = (c.dashboard(), c.platform_name(), c.requires("signing"));
    assert!(!c.token_label().trim().is_empty());
    if c.has_upload() {
        assert!(UploadOptions::from_config(&c, None, Default::default()).is_ok());
    }
    // What parsed and validated reads back the same after writing it out.
    let again = serde_json::to_string(&c).map(|t| config::parse(&t, "again"));
    assert_eq!(again.ok().and_then(Result::ok).as_ref(), Some(&c));
}

/// The index of saved keys (`keys.json`): whatever parses reads back the same after a save.
pub fn index(data: &[u8]) {
    let Ok(entries) = parse_entries(data) else {
        return;
    };
    let saved = serde_json::json!({ "version": 1, "keys": entries }).to_string();
    assert_eq!(
        parse_entries(saved.as_bytes()).ok().as_ref(),
        Some(&entries)
    );
}

fn assert_printable((message, hint): &(String, String)) {
    assert!(!message.is_empty() && !hint.is_empty());
    assert!(
        !message.chars().chain(hint.chars()).any(char::is_control),
        "{message:?} {hint:?}"
    );
}
