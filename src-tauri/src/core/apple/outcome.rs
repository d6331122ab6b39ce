//! Reading Apple's answers (JSON:API errors, app lists, rate-limit header)
//! and the words for every outcome code.

use super::{AppSummary, Capabilities, FollowUp, RateLimit};
use crate::core::text::printable;
use serde::Deserialize;

/// One error of a JSON:API error body (Apple sends `errors: [{code, title, detail, …}]`).
#[derive(Deserialize)]
struct ApiError {
    code: Option<String>,
    title: Option<String>,
    detail: Option<String>,
}

fn first_error(body: &[u8]) -> Option<ApiError> {
    #[derive(Deserialize)]
    struct Errors {
        errors: Vec<ApiError>,
    }
    serde_json::from_slice::<Errors>(body).ok()?.errors.into_iter().next()
}

/// The first error's `code` of a JSON:API error body, if it is one.
pub fn apple_error_code(body: &[u8]) -> Option<String> {
    let first = first_error(body)?;
    match first.code {
        // The older agreement answer is a bare `FORBIDDEN` titled "Access Unavailable".
        Some(code)
            if code == "FORBIDDEN"
                && first
                    .title
                    .as_deref()
                    .is_some_and(|t| t.contains("Unavailable")) =>
        {
            Some("FORBIDDEN.ACCESS_UNAVAILABLE".into())
        }
        // Printed in messages ("code …"): at most 100 printable characters.
        other => other.map(|c| printable(&c).chars().take(100).collect()),
    }
}

/// Apple's first error as one line for a `detail`: `CODE: title. detail`, printable, at most
/// 300 characters (the body is whoever answered's text, not ours).
pub fn apple_error_text(body: &[u8]) -> Option<String> {
    let first = first_error(body)?;
    let words: Vec<String> = [first.title, first.detail].into_iter().flatten().map(|t| printable(&t)).filter(|t| !t.is_empty()).collect();
    let text = match (first.code.map(|c| printable(&c)), words.join(" ")) {
        (Some(c), w) if w.is_empty() => c,
        (Some(c), w) => format!("{c}: {w}"),
        (None, w) if w.is_empty() => return None,
        (None, w) => w,
    };
    Some(text.chars().take(300).collect())
}

/// The outcome for a 403, from Apple's hierarchical error code.
pub fn forbidden_outcome(code: Option<&str>) -> &'static str {
    match code {
        Some("FORBIDDEN_ERROR") => "forbidden_role",
        Some(c)
            // PLA_NOT_ACCEPTED (seen in the field): the Program License Agreement is not accepted.
            if c.starts_with("FORBIDDEN.REQUIRED_AGREEMENTS")
                || c == "FORBIDDEN.ACCESS_UNAVAILABLE"
                || c == "FORBIDDEN.PLA_NOT_ACCEPTED" =>
        {
            "agreement_required"
        }
        _ => "forbidden",
    }
}

/// `user-hour-lim:3600;user-hour-rem:3599;` — anything odd gives `None`.
pub fn parse_rate_limit(header: &str) -> Option<RateLimit> {
    let (mut limit, mut remaining) = (None, None);
    for part in header.split(';') {
        let Some((k, v)) = part.split_once(':') else {
            continue;
        };
        let v = v.trim().parse::<u32>().ok();
        match k.trim().to_ascii_lowercase().as_str() {
            "user-hour-lim" => limit = v.or(limit),
            "user-hour-rem" => remaining = v.or(remaining),
            _ => {}
        }
    }
    Some(RateLimit {
        limit: limit?,
        remaining: remaining?,
    })
}

/// Apps from a `/v1/apps` page: `(total, first page)`; `None` when the body
/// is not the JSON:API document Apple sends.
pub fn parse_apps(body: &[u8]) -> Option<(u32, Vec<AppSummary>)> {
    #[derive(Deserialize)]
    struct Doc {
        data: Vec<Resource>,
        #[serde(default)]
        meta: Option<Meta>,
    }
    #[derive(Deserialize)]
    struct Resource {
        #[serde(default)]
        attributes: Option<Attributes>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Attributes {
        name: Option<String>,
        bundle_id: Option<String>,
    }
    #[derive(Deserialize)]
    struct Meta {
        paging: Option<Paging>,
    }
    #[derive(Deserialize)]
    struct Paging {
        total: Option<u32>,
    }
    let doc: Doc = serde_json::from_slice(body).ok()?;
    let apps: Vec<AppSummary> = doc
        .data
        .into_iter()
        .take(200)
        .map(|r| {
            let a = r.attributes.unwrap_or(Attributes {
                name: None,
                bundle_id: None,
            });
            // Names come from whoever controls the answer: never a terminal escape.
            AppSummary {
                name: printable(&a.name.unwrap_or_default()),
                bundle_id: printable(&a.bundle_id.unwrap_or_default()),
            }
        })
        .collect();
    let total = doc
        .meta
        .and_then(|m| m.paging)
        .and_then(|p| p.total)
        .unwrap_or(apps.len() as u32);
    Some((total.max(apps.len() as u32), apps))
}

/// Extra facts some messages mention.
#[derive(Debug, Default, Clone)]
pub struct Context {
    pub http_status: Option<u16>,
    pub apps_total: Option<u32>,
    pub capabilities: Capabilities,
    pub clock_offset_s: Option<i64>,
    pub retry_after_s: Option<u64>,
    pub apple_code: Option<String>,
    pub host: String,
    /// The words behind the outcome (see `Verification::detail`).
    pub detail: Option<String>,
    /// A problem that stopped the run before any request (`api_base_invalid`, …): its own
    /// message and hint say exactly what to fix.
    pub stopped_by: Option<crate::core::Problem>,
    /// The Key ID the run was given, and the one Apple accepted in a follow-up after a 401.
    pub given_key_id: String,
    pub accepted_key_id: Option<String>,
    /// Follow-ups after a 401 that Apple refused too (`diagnose.rs`): ruled out.
    pub tried: Vec<FollowUp>,
}

/// The `clock_offset` warning: Apple accepted the key only when signed on its own clock.
pub fn clock_offset_words(offset_s: i64) -> String {
    format!(
        "Apple accepted the key only when it was signed on Apple's clock: this computer's clock is about {} {} Apple's. The key is fine; turn on automatic date and time so that other tools work with it too.",
        human_secs(offset_s.unsigned_abs()),
        if offset_s > 0 { "behind" } else { "ahead of" }
    )
}

/// The 401 checklist, minus what the follow-ups ruled out.
fn not_authorized_hint(tried: &[FollowUp]) -> String {
    let mut items = vec![
        "the Key ID matches the file name AuthKey_<KEYID>.p8",
        "the Issuer ID was copied from the top of the Team Keys page in App Store Connect",
        "the key is not revoked (look for it under Revoked keys in App Store Connect: revoked keys stay listed for 30 days, and revocation is permanent)",
        "it is an App Store Connect API key (not an APNs, Sign in with Apple or In-App Purchase key, nor an Enterprise Program API key)",
    ];
    if !tried.contains(&FollowUp::OtherKind) {
        items.push("Team vs Individual is chosen correctly");
    }
    let last = items.pop().unwrap_or_default();
    format!("Check that: {}; and {last}.", items.join("; "))
}

/// Message (what happened) and hint (what to do) for an outcome code.
pub fn describe(outcome: &str, cx: &Context) -> (String, String) {
    let status = cx
        .http_status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    match outcome {
        "valid" => {
            let apps = match cx.apps_total {
                Some(1) => "1 app".to_string(),
                Some(n) => format!("{n} apps"),
                None => "its apps".to_string(),
            };
            let message = format!("Apple accepted this key; it can see {apps}.");
            let hint = match (cx.capabilities.signing, cx.capabilities.users) {
                (Some(false), _) => "The key works, but it may not read certificates and app identifiers, which building and signing apps needs. If your platform builds apps for you, create a new Team key with Admin access.".to_string(),
                (Some(true), _) => "The key works and may read certificates and app identifiers. You can save it or hand it to your platform.".to_string(),
                (None, _) => "The key works. Whether it may read certificates could not be checked; if your platform builds apps, make sure the key has Admin access.".to_string(),
            };
            (message, hint)
        }
        "not_authorized" => {
            let also = if cx.tried.is_empty() {
                String::new()
            } else {
                format!(" Also tried, and refused too: {}.", cx.tried.iter().map(|t| t.words()).collect::<Vec<_>>().join(", "))
            };
            (
                format!("Apple did not accept this key{status}. Apple gives the same answer for every kind of mismatch, so each point below is worth checking.{also}"),
                not_authorized_hint(&cx.tried),
            )
        }
        "key_is_individual" => (
            "Apple accepts this key as an individual key, not as a team key.".into(),
            "An individual key belongs to one user and cannot manage certificates and provisioning profiles, so a platform that builds apps for you needs a team key: create one under Team Keys in App Store Connect. To use this key anyway, test it as an individual key.".into(),
        ),
        "key_is_team" => (
            "Apple accepts this key as a team key, not as an individual key.".into(),
            "Test it again as a team key, with the Issuer ID from the top of the Team Keys page in App Store Connect.".into(),
        ),
        "key_id_from_file_name" => {
            let accepted = cx.accepted_key_id.as_deref().unwrap_or("the one in the file name");
            (
                format!("Apple accepts this key with the Key ID in its file name, {accepted}, not with {}.", cx.given_key_id),
                format!("Use {accepted} as the Key ID, then test again."),
            )
        }
        "clock_skew" => {
            let off = cx.clock_offset_s.unwrap_or(0);
            let (amount, dir) = (human_secs(off.unsigned_abs()), if off > 0 { "behind" } else { "ahead of" });
            (
                format!("Apple refused the key, and this computer's clock is about {amount} {dir} Apple's clock. Apple refuses sign-ins from a clock that is off."),
                if cx.tried.contains(&FollowUp::AppleClock) {
                    "Turn on automatic date and time (\"Set time automatically\") in your system settings. Signed on Apple's clock the key was still refused, so also check the Key ID, the Issuer ID, and that the key is not revoked.".into()
                } else {
                    "Turn on automatic date and time (\"Set time automatically\") in your system settings, then verify again.".into()
                },
            )
        }
        "forbidden_role" => (
            "The key is genuine, but its access level (role) is too low for this request.".into(),
            "A key's role cannot be changed: create a new Team key with Admin access in App Store Connect → Users and Access → Integrations, then revoke this one.".into(),
        ),
        "agreement_required" => (
            "Apple is blocking this account until the Account Holder accepts an updated agreement.".into(),
            "The Account Holder should sign in to App Store Connect, open Business (or the Apple Developer account), accept the latest agreement, then verify again. A new key will not help.".into(),
        ),
        "forbidden" => {
            let code = cx.apple_code.as_deref().map(|c| format!(", code {c}")).unwrap_or_default();
            (
                format!("Apple refused this request for this key (HTTP 403{code})."),
                "Check the key's access in App Store Connect → Users and Access → Integrations. If it keeps happening, create a new Team key with Admin access.".into(),
            )
        }
        "rate_limited" => (
            "Apple says this key has made too many requests in the last hour.".into(),
            match cx.retry_after_s {
                Some(s) => format!("Wait about {} and try again. Apple counts requests per key over a rolling hour.", human_secs(s)),
                None => "Wait a few minutes and try again. Apple counts requests per key over a rolling hour.".into(),
            },
        ),
        "apple_unavailable" => (
            format!("App Store Connect is having trouble right now{status}."),
            "This is on Apple's side, not a problem with your key. Try again in a few minutes.".into(),
        ),
        "network_unreachable" => (
            format!("Could not reach App Store Connect at {}.", cx.host),
            "Check the internet connection (and any VPN, proxy or firewall), then try again.".into(),
        ),
        "network_timeout" => (
            "App Store Connect did not answer in time.".into(),
            "Check the internet connection and try again; on a slow or filtered network, try another one.".into(),
        ),
        "tls_error" => (
            format!("A secure (HTTPS) connection to {} could not be set up.", cx.host),
            "Check that this computer's date is right and that no security software or proxy intercepts secure connections, then try again.".into(),
        ),
        "apple_bad_response" => (
            format!("App Store Connect answered with something unexpected{status}."),
            "Try again in a few minutes. If the API address was changed from Apple's, check that it points at the App Store Connect API.".into(),
        ),
        other => match &cx.stopped_by {
            Some(p) if p.code.as_str() == other => (p.message.clone(), p.hint.clone()),
            _ => (format!("Verification stopped ({other})."), "Check the settings and try again.".into()),
        },
    }
}

/// "45 seconds", "10 minutes", "2 hours".
fn human_secs(s: u64) -> String {
    match s {
        0..=119 => format!("{s} seconds"),
        120..=7199 => format!("{} minutes", (s + 30) / 60),
        _ => format!("{} hours", s.saturating_add(1800) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::problem::Class;

    #[test]
    fn answers_are_printable() {
        let body = br#"{"data":[{"attributes":{"name":"Shop\u001b[2J\u001b]0;pwned\u0007","bundleId":"com.x\r\nEVIL"}}]}"#;
        let (_, apps) = parse_apps(body).unwrap();
        assert!(!apps[0].name.contains('\u{1b}') && !apps[0].name.contains('\u{7}'), "{:?}", apps[0].name);
        assert_eq!(apps[0].bundle_id, "com.x EVIL");
        let code = apple_error_code(br#"{"errors":[{"code":"NOT_AUTHORIZED\u001b[31m"}]}"#).unwrap();
        assert!(!code.contains('\u{1b}'), "{code:?}");
    }

    #[test]
    fn rate_limit_header_is_parsed_defensively() {
        assert_eq!(
            parse_rate_limit("user-hour-lim:3600;user-hour-rem:3599;"),
            Some(RateLimit {
                limit: 3600,
                remaining: 3599
            })
        );
        assert_eq!(
            parse_rate_limit(" user-hour-rem: 5 ; foo:bar;USER-HOUR-LIM:10"),
            Some(RateLimit {
                limit: 10,
                remaining: 5
            })
        );
        assert_eq!(parse_rate_limit("user-hour-lim:3600;"), None);
        assert_eq!(parse_rate_limit("user-hour-lim:-1;user-hour-rem:x"), None);
        assert_eq!(parse_rate_limit(""), None);
    }

    #[test]
    fn forbidden_codes() {
        let body = br#"{"errors":[{"status":"403","code":"FORBIDDEN_ERROR","title":"x"}]}"#;
        assert_eq!(
            forbidden_outcome(apple_error_code(body).as_deref()),
            "forbidden_role"
        );
        let body = br#"{"errors":[{"status":"403","code":"FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED"}]}"#;
        assert_eq!(
            forbidden_outcome(apple_error_code(body).as_deref()),
            "agreement_required"
        );
        let body =
            br#"{"errors":[{"status":"403","code":"FORBIDDEN","title":"Access Unavailable"}]}"#;
        assert_eq!(
            forbidden_outcome(apple_error_code(body).as_deref()),
            "agreement_required"
        );
        let body = br#"{"errors":[{"status":"403","code":"FORBIDDEN","title":"Something else"}]}"#;
        assert_eq!(
            forbidden_outcome(apple_error_code(body).as_deref()),
            "forbidden"
        );
        assert_eq!(
            forbidden_outcome(apple_error_code(b"Not Acceptable").as_deref()),
            "forbidden"
        );
    }

    #[test]
    fn apps_page() {
        let body = br#"{"data":[{"type":"apps","id":"1","attributes":{"name":"Shop","bundleId":"com.x.shop"}}],"meta":{"paging":{"total":3,"limit":200}}}"#;
        let (total, apps) = parse_apps(body).unwrap();
        assert_eq!(total, 3);
        assert_eq!(
            apps,
            vec![AppSummary {
                name: "Shop".into(),
                bundle_id: "com.x.shop".into()
            }]
        );
        assert!(parse_apps(b"<html>").is_none());
        assert!(parse_apps(br#"{"errors":[]}"#).is_none());
        assert_eq!(parse_apps(br#"{"data":[]}"#).unwrap().0, 0);
    }

    #[test]
    fn every_outcome_has_words_and_a_class() {
        for code in [
            "valid",
            "not_authorized",
            "clock_skew",
            "key_is_individual",
            "key_is_team",
            "key_id_from_file_name",
            "forbidden_role",
            "agreement_required",
            "forbidden",
            "rate_limited",
            "apple_unavailable",
            "network_unreachable",
            "network_timeout",
            "tls_error",
            "apple_bad_response",
        ] {
            let (m, h) = describe(code, &Context::default());
            assert!(
                !m.is_empty() && !h.is_empty() && !m.contains("Verification stopped"),
                "{code}"
            );
            let class = crate::core::problem::Code::parse(code).map(|c| c.class());
            assert!(matches!(class, Some(Class::Usable | Class::Refused | Class::NoAnswer | Class::Usage)), "{code}");
        }
        assert_eq!(human_secs(600), "10 minutes");
        assert_eq!(human_secs(86_400), "24 hours");
        assert_ne!(human_secs(u64::MAX), "0 hours");
    }
}
