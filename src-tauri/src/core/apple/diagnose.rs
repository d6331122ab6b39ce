//! After Apple's 401 persists (a fresh token did not help): up to three targeted follow-ups, each
//! one signed request counted in `attempts`, to say what is wrong instead of listing every cause.
//!
//! 1. **Apple's clock**: when Apple's `Date` is more than 30 s from ours, sign on Apple's clock.
//!    Accepted: the key is fine (`valid`, warning `clock_offset`); the computer's clock is not.
//! 2. **The Key ID from the file name**, when it is not the one given (`key_id_from_file_name`).
//! 3. **The other kind**: a team key tried as individual (`sub: "user"`, no `iss`), or an
//!    individual key tried as a team key when an Issuer ID is at hand (`key_is_individual`,
//!    `key_is_team`).
//!
//! Once the clock is known to be off, every later follow-up signs on Apple's clock too, so the
//! clock cannot hide a wrong Key ID or kind. A follow-up that gets anything but 200 or 401 ends
//! the follow-ups (Apple's answer is no longer about who the key is). When all fail, the outcome
//! is `clock_skew` with a large offset, else `not_authorized`, and `tried` lists what was ruled out.

use super::client::{self, Body};
use super::words::{self, Answer};
use super::{outcome, FollowUp, Run, VerifyOptions, APPS_PATH, CLOCK_SKEW_LIMIT_S};
use crate::core::credentials::Credentials;
use crate::core::ids::KeyKind;
use crate::core::problem::Code;
use crate::core::token::Signer;
use crate::core::Note;

/// Follow-ups after the 401, at most.
pub const MAX_FOLLOW_UPS: u32 = 3;

/// What one follow-up got.
enum Reply {
    Accepted,
    Refused,
    /// Anything else (no answer, 403, 429, 5xx): stop asking.
    Stop,
}

impl Run {
    /// `Ok(offset)`: Apple accepted the key as given when signed `offset` seconds off our clock
    /// (its apps are recorded). `Err(code)`: the outcome.
    pub(super) async fn diagnose(
        &mut self,
        creds: &Credentials<'_>,
        http: &reqwest::Client,
        url: &str,
        opts: &VerifyOptions,
    ) -> Result<i64, Answer> {
        let skew = self
            .cx
            .clock_offset_s
            .filter(|o| o.abs() > CLOCK_SKEW_LIMIT_S);
        let refused = || {
            Err::<i64, Answer>(if skew.is_some() {
                Answer::ClockSkew
            } else {
                Answer::NotAuthorized
            })
        };
        let offset = skew.unwrap_or(0);

        if let Some(off) = skew {
            match self.follow_up(creds, off, http, url, opts).await {
                Reply::Accepted => {
                    self.warnings
                        .push(Note::new(Code::ClockOffset, words::clock_offset_words(off)));
                    return Ok(off);
                }
                Reply::Refused => self.cx.tried.push(FollowUp::AppleClock),
                Reply::Stop => return refused(),
            }
        }

        if let Some(file_id) = opts.file_key_id.as_deref().filter(|id| *id != creds.key_id) {
            let c = Credentials {
                key_id: file_id,
                ..*creds
            };
            match self.follow_up(&c, offset, http, url, opts).await {
                Reply::Accepted => {
                    self.cx.accepted_key_id = Some(file_id.to_owned());
                    return Err(Answer::KeyIdFromFileName);
                }
                Reply::Refused => self.cx.tried.push(FollowUp::FileKeyId),
                Reply::Stop => return refused(),
            }
        }

        let other = match creds.kind {
            KeyKind::Team => Some(Credentials {
                kind: KeyKind::Individual,
                issuer_id: None,
                ..*creds
            }),
            KeyKind::Individual => opts.issuer_id_to_try.as_deref().map(|iss| Credentials {
                kind: KeyKind::Team,
                issuer_id: Some(iss),
                ..*creds
            }),
        };
        if let Some(c) = other {
            match self.follow_up(&c, offset, http, url, opts).await {
                Reply::Accepted => {
                    return Err(match c.kind {
                        KeyKind::Individual => Answer::KeyIsIndividual,
                        KeyKind::Team => Answer::KeyIsTeam,
                    })
                }
                Reply::Refused => self.cx.tried.push(FollowUp::OtherKind),
                Reply::Stop => return refused(),
            }
        }
        refused()
    }

    /// One signed `GET /v1/apps` with these credentials on a clock `offset` seconds off ours.
    async fn follow_up(
        &mut self,
        creds: &Credentials<'_>,
        offset: i64,
        http: &reqwest::Client,
        url: &str,
        opts: &VerifyOptions,
    ) -> Reply {
        if self.follow_ups >= MAX_FOLLOW_UPS {
            return Reply::Stop;
        }
        let budget = self.remaining().min(opts.request_timeout);
        if budget.is_zero() {
            return Reply::Stop;
        }
        let Ok(signer) = Signer::new(creds) else {
            return Reply::Stop;
        };
        let signer = signer
            .with_lifetime(opts.token_lifetime)
            .with_clock_offset(offset);
        self.follow_ups += 1;
        self.attempts += 1;
        let token = signer.sign_request("GET", APPS_PATH);
        let Ok(x) = client::get(
            http,
            url,
            token.expose(),
            budget,
            opts.max_body_bytes,
            self.attempts,
        )
        .await
        else {
            return Reply::Stop;
        };
        self.note(&x);
        match (x.status, &x.body) {
            (200, Body::Complete(body)) => match outcome::parse_apps(body) {
                Some((total, apps)) => {
                    self.cx.http_status = Some(200);
                    self.cx.apps_total = Some(total);
                    self.apps = apps;
                    Reply::Accepted
                }
                None => Reply::Stop,
            },
            (401, _) => Reply::Refused,
            _ => Reply::Stop,
        }
    }
}
