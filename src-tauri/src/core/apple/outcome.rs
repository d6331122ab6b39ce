//! Reading Apple's answers (JSON:API errors, app lists, rate-limit header); their words are in
//! `words.rs`.

use super::words::Answer;
use super::{AppSummary, RateLimit};
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
    serde_json::from_slice::<Errors>(body)
        .ok()?
        .errors
        .into_iter()
        .next()
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
    let words: Vec<String> = [first.title, first.detail]
        .into_iter()
        .flatten()
        .map(|t| printable(&t))
        .filter(|t| !t.is_empty())
        .collect();
    let text = match (first.code.map(|c| printable(&c)), words.join(" ")) {
        (Some(c), w) if w.is_empty() => c,
        (Some(c), w) => format!("{c}: {w}"),
        (None, w) if w.is_empty() => return None,
        (None, w) => w,
    };
    Some(text.chars().take(300).collect())
}

/// The outcome for a 403, from Apple's hierarchical error code.
pub fn forbidden_outcome(code: Option<&str>) -> Answer {
    match code {
        Some("FORBIDDEN_ERROR") => Answer::ForbiddenRole,
        Some(c)
            // PLA_NOT_ACCEPTED (seen in the field): the Program License Agreement is not accepted.
            if c.starts_with("FORBIDDEN.REQUIRED_AGREEMENTS")
                || c == "FORBIDDEN.ACCESS_UNAVAILABLE"
                || c == "FORBIDDEN.PLA_NOT_ACCEPTED" =>
        {
            Answer::AgreementRequired
        }
        _ => Answer::Forbidden,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_printable() {
        let body = br#"{"data":[{"attributes":{"name":"Shop\u001b[2J\u001b]0;pwned\u0007","bundleId":"com.x\r\nEVIL"}}]}"#;
        let (_, apps) = parse_apps(body).unwrap();
        assert!(
            !apps[0].name.contains('\u{1b}') && !apps[0].name.contains('\u{7}'),
            "{:?}",
            apps[0].name
        );
        assert_eq!(apps[0].bundle_id, "com.x EVIL");
        let code =
            apple_error_code(br#"{"errors":[{"code":"NOT_AUTHORIZED\u001b[31m"}]}"#).unwrap();
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
}
