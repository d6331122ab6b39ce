//! One verify run: `GET /v1/apps` with its retries, the 401 follow-ups (`diagnose.rs`), the read-only capability probes, and the `Verification` it ends in.

use super::client::{self, Body, Exchange, NetError, NetKind};
use super::options::{backoff, VerifyOptions};
use super::words::{self, Answer};
use super::{outcome, AppSummary, RateLimit, Verification};
use super::{APPS_PATH, BUNDLE_IDS_PATH, CERTIFICATES_PATH, USERS_PATH};
use crate::core::credentials::Credentials;
use crate::core::problem::Code;
use crate::core::token::Signer;
use crate::core::{Note, Problem};
use std::time::{Duration, Instant, SystemTime};

/// Ask Apple whether the key works. Never panics, never logs key or token.
pub async fn verify(creds: &Credentials<'_>, opts: &VerifyOptions) -> Verification {
    let started = Instant::now();
    let mut run = Run {
        started,
        deadline: started + opts.run_budget,
        cx: words::Context::default(),
        attempts: 0,
        follow_ups: 0,
        apps: Vec::new(),
        rate_limit: None,
        warnings: Vec::new(),
    };
    // A hard stop in case something below forgets its own bound.
    let ended = match tokio::time::timeout(opts.run_budget, run.check(creds, opts)).await {
        Ok(ended) => ended,
        Err(_) => {
            run.cx.detail = Some(format!(
                "no answer within the run's {} s",
                opts.run_budget.as_secs()
            ));
            Err(Answer::NetworkTimeout.into())
        }
    };
    run.finish(ended.err().unwrap_or(Ended::Answer(Answer::Valid)))
}

/// How a run ended other than with a valid key: with an answer (or why none came), or stopped
/// by a problem before any request (`api_base_invalid`, …), whose own words say what to fix.
enum Ended {
    Answer(Answer),
    Stopped(Problem),
}

impl From<Answer> for Ended {
    fn from(a: Answer) -> Ended {
        Ended::Answer(a)
    }
}

/// State of one verify run.
pub(super) struct Run {
    started: Instant,
    deadline: Instant,
    pub(super) cx: words::Context,
    pub(super) attempts: u32,
    /// Requests made by `diagnose` after a lasting 401 (at most `diagnose::MAX_FOLLOW_UPS`).
    pub(super) follow_ups: u32,
    pub(super) apps: Vec<AppSummary>,
    rate_limit: Option<RateLimit>,
    pub(super) warnings: Vec<Note>,
}

impl Run {
    pub(super) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// `Ok(())` = valid; `Err` = any other answer, or the problem that stopped the run (its code
    /// passes through as the outcome, e.g. `api_base_not_https`).
    async fn check(&mut self, creds: &Credentials<'_>, opts: &VerifyOptions) -> Result<(), Ended> {
        let base = client::resolve_api_base(opts.api_base.as_deref()).map_err(|p| self.stop(p))?;
        self.cx.host = base.host_str().unwrap_or_default().to_owned();
        let mut signer = Signer::new(creds)
            .map_err(|p| self.stop(p))?
            .with_lifetime(opts.token_lifetime);
        self.cx.given_key_id = creds.key_id.to_owned();
        let http = client::build_client(&base, opts.connect_timeout).map_err(|p| self.stop(p))?;
        let url = client::endpoint(&base, APPS_PATH);
        let max_tries = opts.max_tries.max(1);
        let mut retried_401 = false;

        loop {
            self.attempts += 1;
            let attempt = self.attempts;
            let budget = self.remaining().min(opts.request_timeout);
            if budget.is_zero() {
                return Err(Answer::NetworkTimeout.into());
            }
            // A fresh token per try: Apple's transient 401s clear with a new one. Its scope is
            // this request alone.
            let token = signer.sign_request("GET", APPS_PATH);
            let x = client::get(
                &http,
                &url,
                token.expose(),
                budget,
                opts.max_body_bytes,
                attempt,
            )
            .await;
            let x = match x {
                Ok(x) => x,
                Err(e) => {
                    self.cx.detail = Some(e.detail);
                    return Err(net_code(e.kind).into());
                }
            };
            self.note(&x);
            self.cx.http_status = Some(x.status);
            self.cx.detail = answer_detail(&x);
            let can_retry = attempt < max_tries;
            match x.status {
                200 => {
                    let Body::Complete(body) = &x.body else {
                        return Err(Answer::AppleBadResponse.into());
                    };
                    let (total, apps) =
                        outcome::parse_apps(body).ok_or(Answer::AppleBadResponse)?;
                    self.cx.apps_total = Some(total);
                    self.apps = apps;
                    break;
                }
                401 if can_retry && !retried_401 => {
                    retried_401 = true;
                    continue;
                }
                401 => {
                    // Find out why instead of listing causes; accepted on Apple's clock, the
                    // probes sign on it too.
                    let offset = self.diagnose(creds, &http, &url, opts).await?;
                    signer = signer.with_clock_offset(offset);
                    break;
                }
                403 => {
                    let code = match &x.body {
                        Body::Complete(b) => outcome::apple_error_code(b),
                        Body::TooLarge => None,
                    };
                    self.cx.apple_code = code.clone();
                    return Err(outcome::forbidden_outcome(code.as_deref()).into());
                }
                429 | 500 | 502 | 503 | 504 => {
                    let failed = if x.status == 429 {
                        Answer::RateLimited
                    } else {
                        Answer::AppleUnavailable
                    };
                    if x.status == 429 {
                        self.cx.retry_after_s = x.retry_after.map(|d| d.as_secs());
                    }
                    if !can_retry {
                        return Err(failed.into());
                    }
                    let wait = match (x.status, x.retry_after) {
                        (429, Some(after)) => after,
                        _ => backoff(opts, attempt),
                    };
                    // Waiting past the budget would only end in a timeout: say what Apple said.
                    if wait >= self.remaining() {
                        return Err(failed.into());
                    }
                    tokio::time::sleep(wait).await;
                }
                _ => return Err(Answer::AppleBadResponse.into()),
            }
        }

        if opts.probe_capabilities {
            self.probe(&http, &base, &signer, opts).await;
        }
        Ok(())
    }

    /// Read-only probes; each answer only ever sets a capability.
    async fn probe(
        &mut self,
        http: &reqwest::Client,
        base: &url::Url,
        signer: &Signer<'_>,
        opts: &VerifyOptions,
    ) {
        // Keep a margin so the run's hard stop never races a probe and turns a
        // valid answer into a timeout.
        let budget = self
            .remaining()
            .saturating_sub(Duration::from_millis(200))
            .min(opts.request_timeout);
        if budget.is_zero() {
            return;
        }
        // One token per probe: a token scoped to all three would open more than each request.
        let one = |path: &'static str| {
            let url = client::endpoint(base, path);
            let token = signer.sign_request("GET", path);
            async move { client::get(http, &url, token.expose(), budget, opts.max_body_bytes, 1).await }
        };
        let (certs, bundles, users) = tokio::join!(
            one(CERTIFICATES_PATH),
            one(BUNDLE_IDS_PATH),
            one(USERS_PATH)
        );
        let allowed = |r: &Result<Exchange, NetError>| match r {
            Ok(x) if x.status == 200 => Some(true),
            Ok(x) if x.status == 403 => Some(false),
            _ => None,
        };
        self.cx.capabilities.signing = match (allowed(&certs), allowed(&bundles)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
        self.cx.capabilities.users = allowed(&users);
        for x in [&certs, &bundles, &users].into_iter().flatten() {
            self.note(x);
        }
    }

    /// A problem before any request: its code is the outcome, and its words are the answer's.
    fn stop(&mut self, p: Problem) -> Ended {
        self.cx.detail = p.detail.clone();
        Ended::Stopped(p)
    }

    /// Keep what every answer tells: clock offset and rate limit.
    pub(super) fn note(&mut self, x: &Exchange) {
        if let Some(date) = x.date {
            self.cx.clock_offset_s = Some(offset_secs(date, SystemTime::now()));
        }
        if let Some(rl) = x.rate_limit.as_deref().and_then(outcome::parse_rate_limit) {
            self.rate_limit = Some(rl);
        }
    }

    fn finish(self, ended: Ended) -> Verification {
        let (code, message, hint) = match ended {
            Ended::Answer(a) => {
                let (message, hint) = words::describe(a, &self.cx);
                (a.code(), message, hint)
            }
            Ended::Stopped(p) => (p.code, p.message, p.hint),
        };
        Verification {
            outcome: code,
            message,
            hint,
            http_status: self.cx.http_status,
            attempts: self.attempts,
            elapsed_ms: self.started.elapsed().as_millis() as u64,
            apps_total: self.cx.apps_total,
            apps: self.apps,
            capabilities: self.cx.capabilities,
            rate_limit: self.rate_limit,
            clock_offset_s: self.cx.clock_offset_s,
            // A valid key needs no details; one from an earlier try (a passing 503) is stale.
            detail: self.cx.detail.filter(|_| code != Code::Valid),
            warnings: self.warnings,
            tried: self.cx.tried,
        }
    }
}

/// Apple's own words for an answer that is not a success: its JSON:API error, or what the body
/// was when it is not Apple's JSON.
fn answer_detail(x: &Exchange) -> Option<String> {
    if x.status == 200 {
        return match &x.body {
            Body::TooLarge => Some(format!(
                "the answer was longer than {} bytes",
                VerifyOptions::default().max_body_bytes
            )),
            Body::Complete(b) if outcome::parse_apps(b).is_none() => Some(format!(
                "HTTP 200 with {} bytes that are not Apple's JSON",
                b.len()
            )),
            Body::Complete(_) => None,
        };
    }
    match &x.body {
        Body::Complete(b) => outcome::apple_error_text(b).or_else(|| {
            Some(format!(
                "HTTP {} with {} bytes that are not Apple's JSON",
                x.status,
                b.len()
            ))
        }),
        Body::TooLarge => Some(format!("HTTP {}, answer too long to read", x.status)),
    }
}

fn net_code(kind: NetKind) -> Answer {
    match kind {
        NetKind::Timeout => Answer::NetworkTimeout,
        NetKind::Tls => Answer::TlsError,
        NetKind::Unreachable => Answer::NetworkUnreachable,
    }
}

/// Apple's clock minus ours, rounded to whole seconds (HTTP dates have 1 s resolution).
// `pub` for the fuzz targets (`src-tauri/fuzz`), which feed it any `Date` header.
pub fn offset_secs(apple: SystemTime, local: SystemTime) -> i64 {
    match apple.duration_since(local) {
        Ok(ahead) => ahead.as_secs_f64().round() as i64,
        Err(behind) => -(behind.duration().as_secs_f64().round() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(offset_secs(t + Duration::from_secs(600), t), 600);
        assert_eq!(offset_secs(t, t + Duration::from_millis(30_600)), -31);
    }
}
