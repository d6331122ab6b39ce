//! Seed inputs for every fuzz target, made at run time: every key form `keys.rs` generates (fresh
//! keys, never a real one), sample IDs, Apple's answers and headers, dashboard messages, configs
//! and indexes. `tests/suite/fuzz_smoke.rs` runs the targets over them; `examples/fuzz_seeds.rs` (which
//! `scripts/fuzz.sh` runs) writes them to `target/fuzz-corpus/<target>/` with [`write_corpus`].
//!
//! It uses `super::keys` and `super::wild`: declare it beside them, as `support/mod.rs` does for the
//! `suite` binary and `examples/fuzz_seeds.rs` at its root.

use super::keys::*;
use serde_json::json;
use std::path::Path;

/// Write every target's seeds to `<dir>/<target>/seed-NNN` (a libFuzzer corpus folder each);
/// returns how many each target got.
pub fn write_corpus<'a>(
    dir: &Path,
    targets: impl IntoIterator<Item = &'a str>,
) -> std::io::Result<Vec<(&'a str, usize)>> {
    let mut written = Vec::new();
    for name in targets {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder)?;
        let seeds = seeds(name);
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(folder.join(format!("seed-{i:03}")), seed)?;
        }
        written.push((name, seeds.len()));
    }
    Ok(written)
}

/// The seeds for `target` (a name from the fuzz crate's `TARGETS`).
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    match target {
        "key_check" => key_files(),
        "key_der" => der_forms(),
        "ids" => ids(),
        "apple_body" => apple_bodies(),
        "apple_headers" => lines(APPLE_HEADERS),
        "dashboard_message" => lines(DASHBOARD_MESSAGES),
        "config" => configs(),
        "index" => indexes(),
        other => panic!("no seeds for target {other}"),
    }
}

/// Every DER structure the check tells apart: P-256 keys in each encoding, and the foreign ones.
fn der_forms() -> Vec<Vec<u8>> {
    let s = secret();
    vec![
        apple_der(&s),
        openssl_style_der(&s),
        sec1_der(&s),
        no_public_der(&s),
        mismatched_der(&s),
        scalar_der(&[0; 32]),
        scalar_der(&P256_ORDER),
        p384_der(),
        rsa_pkcs8_der(),
        ed25519_der(),
        pkcs12_der(),
        encrypted_der(),
        public_key_der(&s),
        vec![0x30, 0x03, 0x02, 0x01, 0x07],
    ]
}

/// Every key file form: clean, each repair and each kind of damage, text and binary.
fn key_files() -> Vec<Vec<u8>> {
    let s = secret();
    let apple = apple_pem(&s);
    let texts = vec![
        apple.clone(),
        openssl_style_pem(&s),
        sec1_pem(&s),
        pem("PRIVATE KEY", &sec1_der(&s)),
        pem("PRIVATE KEY", &no_public_der(&s)),
        crlf(&apple),
        bom(&crlf(&apple)),
        escaped_newlines(&apple),
        quoted(&escaped_newlines(&apple)),
        quoted(&escaped_newlines(&apple)).replace('/', "\\/"),
        format!("'{}'", apple.trim_end()),
        indented(&apple),
        format!("{apple}\n\n"),
        one_line_body(&apple),
        spaces_for_newlines(&apple),
        rewrapped_at(&apple, 76),
        body_only(&apple),
        base64_file(&crlf(&apple)),
        format!("ASC_PRIVATE_KEY=\"{}\"\n", escaped_newlines(&apple)),
        format!("Bag Attributes\n    localKeyID: 01 02\n{apple}"),
        format!("{}{apple}", pem("EC PARAMETERS", &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07])),
        format!("  \"{}\"\r\n", crlf(&apple).trim_end()),
        apple.replacen('\n', "\u{200B}\n", 3),
        fastlane_json(&apple, Some(KEY_ID), Some(ISSUER_ID)),
        fastlane_json(&base64_file(&crlf(&apple)), Some(KEY_ID), None),
        fastlane_json("", Some(KEY_ID), None),
        r#"{"key_id":"2X9R4HXF34","key_filepath":"./AuthKey_2X9R4HXF34.p8"}"#.into(),
        truncated(&apple),
        bad_base64(&apple),
        lost_line(&apple),
        format!("{apple}{}", openssl_style_pem(&secret())),
        pem("ENCRYPTED PRIVATE KEY", &encrypted_der()),
        "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n".into(),
        public_key_pem(&s),
        pem("CERTIFICATE", &[0x30, 0x00]),
        pem("RSA PRIVATE KEY", &[0x30, 0x00]),
        pem("PRIVATE KEY", &rsa_pkcs8_der()),
        pem("PRIVATE KEY", &ed25519_der()),
        pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\0"),
        pem("PRIVATE KEY", &p384_der()),
        pem("PRIVATE KEY", &scalar_der(&P256_ORDER)),
        pem("PRIVATE KEY", &mismatched_der(&s)),
        "Dear merchant, here is your key.\n".into(),
        KEY_ID.into(),
        ISSUER_ID.into(),
        " \r\n\t\n".into(),
    ];
    let mut out: Vec<Vec<u8>> = texts.into_iter().map(String::into_bytes).collect();
    out.extend(der_forms());
    out.push(vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3]);
    out.push(b"PK\x03\x04".to_vec());
    out.push(
        [
            &[0xFF, 0xFE][..],
            &"-----BEGIN"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<_>>(),
        ]
        .concat(),
    );
    // Keys as the wild hands them over (issue 21 §6): UTF-16, RTF, HTML, e-mail, autocorrect,
    // and their unsafe variants (cut short, a lost line, a typographic character in the body).
    out.extend(
        super::wild::forms(&apple)
            .into_iter()
            .map(|(_, bytes)| bytes),
    );
    let mut odd = super::wild::utf16(&apple, true, true);
    odd.pop();
    out.push(odd);
    out.push(super::wild::html_divs(&lost_line(&apple)).into_bytes());
    out.push(apple.replacen("AgEA", "AgE½", 1).into_bytes());
    out.push(b"PK\x03\x04\x14\x00\x00\x00word/document.xml".to_vec());
    out.push(Vec::new());
    out
}

/// `key id 0xFF issuer id 0xFF file name`, as the `ids` target splits its input.
fn ids() -> Vec<Vec<u8>> {
    let cases = [
        (KEY_ID, ISSUER_ID, "AuthKey_2X9R4HXF34.p8"),
        (
            " \"2x9r4hxf34\" ",
            "57246542-96FE-1A63-E053-0824D011072A",
            "AuthKey_2X9R4HXF34 (1).p8",
        ),
        (
            "AuthKey_2X9R4HXF34.p8",
            "5724654296fe1a63e0530824d011072a",
            "AuthKey_2X9R4HXF34-1.p8.txt",
        ),
        (
            "‘2X9R4HXF34’",
            "«57246542-96fe-1a63-e053-0824d011072a»",
            "SubscriptionKey_AAAAAAAAAA.p8",
        ),
        (ISSUER_ID, KEY_ID, "authkey_.p8"),
        ("ABC", "not-an-issuer", "AuthKey_ABC.p8"),
        ("", "", ""),
    ];
    cases
        .iter()
        .map(|(k, i, f)| [k.as_bytes(), &[0xFF], i.as_bytes(), &[0xFF], f.as_bytes()].concat())
        .collect()
}

fn apple_bodies() -> Vec<Vec<u8>> {
    let error = |status: &str, code: &str, title: &str| {
        json!({"errors": [{"id": "00000000-0000-0000-0000-000000000000", "status": status, "code": code,
            "title": title, "detail": "A detail."}]})
    };
    let apps = json!({"data": [
        {"type": "apps", "id": "1", "attributes": {"name": "My App", "bundleId": "com.example.app"}},
        {"type": "apps", "id": "2", "attributes": {"name": "Esc \u{1b}[31m", "bundleId": null}},
        {"type": "apps", "id": "3"}],
        "links": {"self": "https://api.appstoreconnect.apple.com/v1/apps"},
        "meta": {"paging": {"total": 3, "limit": 50}}});
    [
        error(
            "401",
            "NOT_AUTHORIZED",
            "Authentication credentials are missing or invalid.",
        ),
        error(
            "403",
            "FORBIDDEN_ERROR",
            "This request is forbidden for security reasons",
        ),
        error("403", "FORBIDDEN", "Access Unavailable"),
        error(
            "403",
            "FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED",
            "A required agreement is missing or has expired.",
        ),
        error(
            "429",
            "RATE_LIMIT_EXCEEDED",
            "The request rate limit has been reached.",
        ),
        apps,
        json!({"data": [], "meta": {"paging": {"total": 0}}}),
    ]
    .iter()
    .map(|v| v.to_string().into_bytes())
    .chain([
        b"<html><body>502 Bad Gateway</body></html>".to_vec(),
        b"{\"errors\":[]}".to_vec(),
    ])
    .collect()
}

/// Header values seen from Apple and from broken or hostile servers.
const APPLE_HEADERS: &str = "user-hour-lim:3600;user-hour-rem:3599;
USER-HOUR-LIM: 3600 ; user-hour-rem:0
user-hour-lim:99999999999;user-hour-rem:-1;
120
18446744073709551615
Wed, 21 Oct 2015 07:28:00 GMT
Sunday, 06-Nov-94 08:49:37 GMT
Sun Nov  6 08:49:37 1994
Fri, 31 Dec 9999 23:59:59 GMT
Thu, 01 Jan 1970 00:00:00 GMT";

/// Dashboard answers: each JSON shape `server_message` reads, text, HTML and escapes.
const DASHBOARD_MESSAGES: &str = r#"{"error":{"message":"The setup token has expired."}}
{"error":"invalid_token"}
{"message":"Key already uploaded","code":409}
{"status":"error"}
Service temporarily unavailable
<!DOCTYPE html><html><title>500</title></html>
{"message":"\u001b]0;owned\u0007\u001b[2J red"}"#;

fn lines(text: &str) -> Vec<Vec<u8>> {
    text.lines().map(|l| l.as_bytes().to_vec()).collect()
}

fn configs() -> Vec<Vec<u8>> {
    let full = json!({
        "platform_name": "Acme Shops",
        "upload_url": "https://dashboard.example.com/api/asc-keys",
        "token_label": "setup token",
        "dashboard_url": "https://dashboard.example.com/settings/apple",
        "support_contact": "support@example.com",
        "required_capabilities": ["signing"],
    });
    let loopback = json!({"upload_url": "http://127.0.0.1:8080/upload", "dashboard_url": "http://localhost:3000/"});
    let mut out: Vec<Vec<u8>> = [
        full,
        loopback,
        json!({}),
        json!({"upload_url": "http://user:secret@example.com/"}),
    ]
    .iter()
    .map(|v| serde_json::to_vec_pretty(v).unwrap())
    .collect();
    out.push(
        asc_key_wizard::core::config::DEFAULT_CONFIG_JSON
            .as_bytes()
            .to_vec(),
    );
    out.push(b"\xEF\xBB\xBF{\"platform_name\":\"BOM\"}".to_vec());
    out
}

fn indexes() -> Vec<Vec<u8>> {
    let entry = |key_id: &str, last_test: serde_json::Value| {
        json!({"key_id": key_id, "issuer_id": ISSUER_ID, "kind": "team", "label": "Production",
            "fingerprint": format!("sha256:{}", "ab".repeat(32)), "saved_at": "2026-12-02T05:25:14Z",
            "last_test": last_test})
    };
    let tested = json!({"at": "2026-12-02T05:26:00Z", "outcome": "valid", "valid": true,
        "message": "Apple accepted this key; it can see 3 apps.", "http_status": 200});
    let individual = json!({"key_id": "AAAAAAAAAA", "issuer_id": null, "kind": "individual", "label": "Me",
        "fingerprint": "sha256:00", "saved_at": "1970-01-01T00:00:00Z", "last_test": null});
    [
        json!({"version": 1, "keys": [entry(KEY_ID, tested), entry("BBBBBBBBBB", json!(null)), individual]}),
        json!({"version": 1, "keys": []}),
        json!({}),
    ]
    .iter()
    .map(|v| serde_json::to_vec_pretty(v).unwrap())
    .collect()
}
