//! A key's test history: the last answer Apple gave (as `keys.json` keeps it) and what changed between two answers; a leaf below `vault` and `retest`, which both use it.

use crate::core::apple::Verification;
use crate::core::problem::{Class, Code};
use serde::{Deserialize, Serialize};

/// The outcome of the most recent test with Apple.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredLastTest")]
pub struct LastTest {
    /// RFC 3339, UTC.
    pub at: String,
    /// Apple outcome code (`valid`, `not_authorized`, …); `unknown_outcome` for one this
    /// version does not know (a newer version wrote it), whose text is then in `detail`.
    pub outcome: Code,
    pub valid: bool,
    pub message: String,
    pub http_status: Option<u16>,
    /// What this test changed since the one before ("Was valid on …, now refused …"), when it
    /// changed the answer (`core::retest::compare`); kept until the next test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// The outcome as written, when it was not a code this version knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `LastTest` as `keys.json` holds it: the outcome as text, so that one this version does not
/// know never makes the whole list unreadable.
#[derive(Deserialize)]
struct StoredLastTest {
    at: String,
    outcome: String,
    valid: bool,
    message: String,
    http_status: Option<u16>,
    #[serde(default)]
    change: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

impl From<StoredLastTest> for LastTest {
    fn from(t: StoredLastTest) -> LastTest {
        let (outcome, detail) = match Code::parse(&t.outcome) {
            Some(code) => (code, t.detail),
            None => (
                Code::UnknownOutcome,
                Some(crate::core::text::printable(&t.outcome)),
            ),
        };
        LastTest {
            at: t.at,
            outcome,
            valid: t.valid,
            message: t.message,
            http_status: t.http_status,
            change: t.change,
            detail,
        }
    }
}

impl LastTest {
    /// The outcome as it was written: its code, or the text of one this version does not know.
    pub fn outcome_text(&self) -> &str {
        match (self.outcome, &self.detail) {
            (Code::UnknownOutcome, Some(text)) => text,
            (code, _) => code.as_str(),
        }
    }
}

/// How a test's answer compares with the key's previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    FirstTest,
    Unchanged,
    /// Was valid, is refused now.
    StoppedWorking,
    /// Was not valid, is valid now.
    WorksAgain,
    /// Another answer than before, neither of the above.
    Changed,
    /// Apple could not be asked: the previous answer stands.
    NoAnswer,
}

impl Trend {
    /// Worth remembering and showing until the next test.
    pub fn is_news(self) -> bool {
        matches!(
            self,
            Trend::StoppedWorking | Trend::WorksAgain | Trend::Changed
        )
    }
}

/// What changed, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub trend: Trend,
    pub message: String,
    /// What to do; empty when nothing is to be done.
    pub hint: String,
}

/// Compare Apple's answer now with the key's previous test.
pub fn compare(previous: Option<&LastTest>, now: &Verification) -> Change {
    let change = |trend, message: String, hint: &str| Change {
        trend,
        message,
        hint: hint.to_owned(),
    };
    let Some(prev) = previous else {
        return change(
            Trend::FirstTest,
            format!("First test: {}", now.message),
            &now.hint,
        );
    };
    let day = prev.at.get(..10).unwrap_or(&prev.at);
    if now.class() == Class::NoAnswer {
        let was = if prev.valid {
            Code::Valid.as_str()
        } else {
            prev.outcome_text()
        };
        return change(
            Trend::NoAnswer,
            format!(
                "Apple could not be asked ({}); the last answer, on {day}, was {was}.",
                now.message.trim_end_matches('.')
            ),
            "Test again later.",
        );
    }
    if prev.outcome == now.outcome {
        return change(
            Trend::Unchanged,
            format!("Unchanged since the last test on {day}."),
            if now.is_valid() { "" } else { &now.hint },
        );
    }
    match (prev.valid, now.is_valid()) {
        (true, false) if matches!(now.outcome, Code::NotAuthorized | Code::ClockSkew) => change(
            Trend::StoppedWorking,
            format!("Was valid on {day}, now refused with the same file and IDs: it was probably revoked in App Store Connect."),
            "Look for it under Revoked keys in App Store Connect (a revoked key never works again). Create a new team key, test it, and send it to your platform in place of this one.",
        ),
        (true, false) => change(Trend::StoppedWorking, format!("Was valid on {day}, now: {}", now.message), &now.hint),
        (false, true) => change(Trend::WorksAgain, format!("Works again: on {day} the answer was {}.", prev.outcome_text()), ""),
        _ => change(Trend::Changed, format!("On {day} the answer was {}, now: {}", prev.outcome_text(), now.message), &now.hint),
    }
}
