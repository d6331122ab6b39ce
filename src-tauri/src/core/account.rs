//! Whose account a setup code belongs to, as the dashboard says (`docs/upload-protocol.md`, "Whose account: the look-up"): asked before a setup link's code is used, because the link itself may come from anyone.

use crate::core::destination::host_of;
use crate::core::problem::Code;
use crate::core::setup_link::digest;
use crate::core::upload::{read_capped, status_problem, timeout, transport_problem, UploadOptions};
use crate::core::Problem;
use serde::Serialize;

/// Longest account name shown from the dashboard's answer.
pub const MAX_NAME_CHARS: usize = 80;

/// What the dashboard said about the code's account. Never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountAnswer {
    /// The account's display name as the dashboard gives it (sanitised), or `None` when the
    /// dashboard could not say.
    pub name: Option<String>,
    /// The host that was asked (and that the upload goes to).
    pub host: String,
    /// "The setup code belongs to the account “Blue Shoes Ltd”, as 127.0.0.1:47615 says."
    pub message: String,
    /// `account_unconfirmed` when the dashboard could not say whose account it is.
    pub problem: Option<Problem>,
}

/// The look-up's answer, remembered for exactly one code and destination.
pub fn answer_key(token: &str, url: &str) -> [u8; 32] {
    digest(&format!("{}\n{url}", token.trim()))
}

fn unconfirmed(host: &str, why: &str) -> AccountAnswer {
    let problem = Problem::new(
        Code::AccountUnconfirmed,
        format!("The wizard could not confirm whose account the setup code belongs to: {host} {why}."),
        "Send it anyway only if you opened the setup link yourself, from your own dashboard; otherwise close the wizard and ask your platform.",
    );
    AccountAnswer {
        name: None,
        host: host.to_owned(),
        message: problem.message.clone(),
        problem: Some(problem),
    }
}

/// The name in a 2xx answer: `{"account": {"name": "…"}}` (or `{"account_name": "…"}`).
pub fn name_in(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let raw = v
        .pointer("/account/name")
        .or_else(|| v.get("account_name"))
        .and_then(|n| n.as_str())?;
    Some(crate::core::text::shown(raw, MAX_NAME_CHARS)).filter(|n| !n.is_empty())
}

/// `GET <upload_url>` with the code as `Authorization: Bearer` and `Accept: application/json`;
/// one try, no redirects, the same proxy rule and time-outs as the upload. 401/403 refuse the
/// code (`upload_unauthorized`); no look-up, an error or an answer without a name gives an
/// answer with `account_unconfirmed` (the merchant decides); no connection is an error.
pub async fn look_up(opts: &UploadOptions) -> Result<AccountAnswer, Problem> {
    let url = crate::core::config::validate_destination_url(&opts.url, "upload address")?;
    let host = host_of(url.as_str());
    let token = opts.token.trim();
    if token.is_empty() {
        return Err(crate::core::upload::missing_token(&opts.token_label));
    }
    let auth = zeroize::Zeroizing::new(format!("Bearer {token}"));
    let mut auth_header = reqwest::header::HeaderValue::from_str(&auth).map_err(|_| {
        Problem::new(
            Code::TokenInvalid,
            format!(
                "The {} contains characters that cannot be sent.",
                opts.token_label
            ),
            "Open the setup link again, or paste the code by hand.",
        )
    })?;
    auth_header.set_sensitive(true);
    let client = crate::core::upload::dashboard_client(opts, &url)?;
    let sent = client
        .get(url.clone())
        .header(reqwest::header::AUTHORIZATION, auth_header)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await;
    let resp = match sent {
        Ok(resp) => resp,
        Err(e) if e.is_timeout() => return Err(timeout(opts)),
        Err(e) => return Err(transport_problem(&e, opts)),
    };
    let status = resp.status().as_u16();
    let body = read_capped(resp).await;
    match status {
        401 | 403 => Err(status_problem(status, &body, opts)),
        200..=299 => Ok(match name_in(&body) {
            Some(name) => AccountAnswer {
                message: format!("The setup code belongs to the account “{name}”, as {host} says."),
                name: Some(name),
                host,
                problem: None,
            },
            None => unconfirmed(&host, "answered without an account name"),
        }),
        404 | 405 => Ok(unconfirmed(&host, "does not answer the account look-up")),
        _ => Ok(unconfirmed(
            &host,
            &format!("answered the account look-up with HTTP {status}"),
        )),
    }
}

/// Has the merchant confirmed the account the look-up found for this code and destination?
/// `looked_up`: what the look-up remembered (`Some(None)`: it could not say). `given`: the
/// name the merchant ticked, or `""` for "send anyway" after an unconfirmed look-up.
pub fn confirmed(looked_up: Option<&Option<String>>, given: Option<&str>) -> Result<(), Problem> {
    let ok = match (looked_up, given) {
        (Some(Some(name)), Some(g)) => name == g,
        (Some(None), Some(g)) => g.is_empty(),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::AccountUnconfirmed,
        match looked_up {
            None => "The wizard has not yet asked the dashboard whose account the setup link's code belongs to.",
            Some(_) => "You have not confirmed the account the setup link's code belongs to.",
        },
        "Nothing was sent. Check the account name the wizard shows and tick to confirm it.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_read_and_sanitised() {
        assert_eq!(
            name_in(br#"{"account":{"name":"Blue Shoes Ltd"}}"#).as_deref(),
            Some("Blue Shoes Ltd")
        );
        assert_eq!(
            name_in("{\"account_name\":\"Red\u{202E}staH\"}".as_bytes()).as_deref(),
            Some("RedstaH")
        );
        assert_eq!(name_in(br#"{"account":{"name":"  "}}"#), None);
        assert_eq!(name_in(b"<html>"), None);
    }

    #[test]
    fn only_the_account_that_was_shown_confirms() {
        let blue = Some("Blue".to_owned());
        assert!(confirmed(Some(&blue), Some("Blue")).is_ok());
        assert_eq!(
            confirmed(Some(&blue), Some("Red")).unwrap_err().code,
            Code::AccountUnconfirmed
        );
        assert_eq!(
            confirmed(Some(&blue), Some("")).unwrap_err().code,
            Code::AccountUnconfirmed
        );
        assert_eq!(
            confirmed(None, Some("Blue")).unwrap_err().code,
            Code::AccountUnconfirmed
        );
        assert!(confirmed(Some(&None), Some("")).is_ok());
        assert_eq!(
            confirmed(Some(&None), None).unwrap_err().code,
            Code::AccountUnconfirmed
        );
    }
}
