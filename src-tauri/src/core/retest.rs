//! Watching saved keys: re-test every saved key with Apple (at most two at a time), say what
//! changed since each key's last test, pick the worst result, and say which keys need a look
//! (a changed result, or a last test more than 30 days old) for the wizard's launch banner.

use crate::core::apple::{self, Verification, VerifyOptions};
pub use crate::core::history::{compare, Change, Trend};
use crate::core::problem::{Class, Code};
use crate::core::vault::{parse_rfc3339, IndexEntry, LastTest, StoredKey, Vault};
use crate::core::Problem;
use futures_util::StreamExt;
use serde::Serialize;

/// Keys tested at once: Apple's limits are per key, but a merchant's connection and Apple's
/// patience are not endless.
pub const AT_ONCE: usize = 2;

/// A last test older than this many days is worth repeating.
pub const STALE_DAYS: i64 = 30;

/// One saved key's re-test.
#[derive(Debug, Clone, Serialize)]
pub struct Retest {
    pub key_id: String,
    pub label: String,
    /// The test before this one.
    pub previous: Option<LastTest>,
    /// Apple's answer; absent when the key could not be read back from the keychain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apple: Option<Verification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// Reading the key, or recording the answer, failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
    pub class: Class,
}

/// The worst of the results, for the exit code: a key that stopped working is worst, then a key
/// that cannot be used, storage, usage, no answer, and all fine.
pub fn worst(results: &[Retest]) -> Class {
    let rank = |c: Class| match c {
        Class::Refused => 5,
        Class::NotUsable => 4,
        Class::Storage => 3,
        Class::Usage => 2,
        Class::NoAnswer => 1,
        Class::Usable => 0,
    };
    results
        .iter()
        .map(|r| r.class)
        .max_by_key(|c| rank(*c))
        .unwrap_or(Class::Usable)
}

/// Every saved key read back from the keychain (or why it could not be), in the index's order.
pub struct Loaded(Vec<(IndexEntry, Result<StoredKey, Problem>)>);

impl Loaded {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Re-testing every saved key happens in three parts, because keychain reads and index writes
/// block while Apple's answers are awaited: load (blocking), ask (async, [`AT_ONCE`] keys at a
/// time), record (blocking).
pub fn load_all(vault: &Vault) -> Result<Loaded, Problem> {
    Ok(Loaded(
        vault
            .list()?
            .into_iter()
            .map(|e| {
                let key = vault.load(&e.ids.key_id);
                (e, key)
            })
            .collect(),
    ))
}

/// Apple's answer for each loaded key (`None` where the key could not be read).
pub async fn ask_all(loaded: &Loaded, opts: &VerifyOptions) -> Vec<Option<Verification>> {
    // The futures are made before the stream runs: a closure inside the stream would make the
    // command's future not `Send` for every lifetime (a known rustc limit with `buffered`).
    let asks: Vec<_> = loaded.0.iter().map(|(_, k)| ask(k, opts)).collect();
    futures_util::stream::iter(asks)
        .buffered(AT_ONCE)
        .collect()
        .await
}

async fn ask(key: &Result<StoredKey, Problem>, opts: &VerifyOptions) -> Option<Verification> {
    match key {
        Ok(stored) => Some(apple::verify(&stored.ids.credentials(&stored.key), opts).await),
        Err(_) => None,
    }
}

/// Record each answer in the index and say what changed since each key's last test.
pub fn record_all(
    vault: &Vault,
    loaded: Loaded,
    answers: Vec<Option<Verification>>,
) -> Vec<Retest> {
    loaded
        .0
        .into_iter()
        .zip(answers)
        .map(|((entry, key), answer)| {
            // The answer belongs to the key that was read back and sent, not to whatever is
            // saved under its Key ID when the answer comes.
            let fingerprint = key
                .as_ref()
                .map_or(String::new(), |k| k.fingerprint.clone());
            let mut r = Retest {
                key_id: entry.ids.key_id.to_string(),
                label: entry.label.clone(),
                previous: entry.last_test.clone(),
                change: answer
                    .as_ref()
                    .map(|v| compare(entry.last_test.as_ref(), v)),
                class: answer.as_ref().map_or(Class::Storage, Verification::class),
                apple: answer,
                problem: key.err(),
            };
            if let Some(v) = &r.apple {
                if let Err(p) = vault.record_test(&entry.ids.key_id, &fingerprint, v) {
                    r.class = unrecorded_class(v, &p);
                    if p.is(Code::KeyChangedDuringTest) {
                        // What changed is about a key no longer saved: not worth showing.
                        r.change = None;
                    }
                    r.problem = Some(p);
                }
            } else if let Some(p) = &r.problem {
                r.class = p.class();
            }
            r
        })
        .collect()
}

/// What a test counts as when its answer could not be recorded: a key that works but whose
/// answer was not kept counts the failure; a key replaced while it was tested counts as the new
/// key untested, whatever the old key's answer; otherwise Apple's answer stands.
pub fn unrecorded_class(answer: &Verification, problem: &Problem) -> Class {
    if answer.is_valid() || problem.is(Code::KeyChangedDuringTest) {
        problem.class()
    } else {
        answer.class()
    }
}

/// Why a saved key deserves a look when the wizard opens: its last test changed the answer, or
/// it was last tested (or saved untested) more than [`STALE_DAYS`] days ago.
pub fn attention(entry: &IndexEntry, now_secs: i64) -> Option<String> {
    // The default label already names the Key ID ("App Store Connect key 2X9R4HXF34").
    let name = if entry.label.contains(entry.ids.key_id.as_str()) {
        entry.label.clone()
    } else {
        format!("{} ({})", entry.label, entry.ids.key_id)
    };
    if let Some(change) = entry.last_test.as_ref().and_then(|t| t.change.as_ref()) {
        return Some(format!("{name}: {change}"));
    }
    let days = age_days(entry, now_secs)?;
    (days > STALE_DAYS).then(|| match entry.last_test {
        Some(_) => format!(
            "{name} was last tested {days} days ago: test it again to be sure it still works."
        ),
        None => format!(
            "{name} was saved {days} days ago and never tested: test it to be sure it works."
        ),
    })
}

/// Whole days since the key's last test (or since it was saved, when never tested).
pub fn age_days(entry: &IndexEntry, now_secs: i64) -> Option<i64> {
    let at = entry
        .last_test
        .as_ref()
        .map_or(entry.saved_at.as_str(), |t| t.at.as_str());
    parse_rfc3339(at).map(|t| (now_secs - t).max(0) / 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::{KeyIds, KeyKind};
    use crate::core::vault::index::rfc3339;

    fn answer(outcome: &str) -> Verification {
        Verification::by_hand(outcome, format!("{outcome} said."), format!("do {outcome}"))
    }

    fn last(outcome: &str, at: &str) -> LastTest {
        LastTest {
            at: at.into(),
            valid: outcome == "valid",
            ..LastTest::from_verification(&answer(outcome))
        }
    }

    #[test]
    fn each_change_has_its_trend_and_words() {
        let before = last("valid", "2026-11-01T10:00:00Z");
        let c = compare(Some(&before), &answer("not_authorized"));
        assert_eq!(c.trend, Trend::StoppedWorking);
        assert!(
            c.message.contains("2026-11-01") && c.message.contains("probably revoked"),
            "{}",
            c.message
        );
        assert!(c.hint.contains("Revoked keys"));
        let c = compare(Some(&before), &answer("forbidden_role"));
        assert_eq!(
            (c.trend, c.hint.as_str()),
            (Trend::StoppedWorking, "do forbidden_role")
        );
        assert_eq!(
            compare(Some(&before), &answer("valid")).trend,
            Trend::Unchanged
        );
        assert_eq!(
            compare(Some(&before), &answer("network_timeout")).trend,
            Trend::NoAnswer
        );
        assert_eq!(compare(None, &answer("valid")).trend, Trend::FirstTest);
        let refused = last("not_authorized", "2026-11-01T10:00:00Z");
        assert_eq!(
            compare(Some(&refused), &answer("valid")).trend,
            Trend::WorksAgain
        );
        assert_eq!(
            compare(Some(&refused), &answer("forbidden")).trend,
            Trend::Changed
        );
        assert!(
            Trend::StoppedWorking.is_news()
                && !Trend::Unchanged.is_news()
                && !Trend::NoAnswer.is_news()
        );
    }

    #[test]
    fn worst_ranks_a_refusal_first() {
        let r = |class| Retest {
            key_id: String::new(),
            label: String::new(),
            previous: None,
            apple: None,
            change: None,
            problem: None,
            class,
        };
        assert_eq!(worst(&[]), Class::Usable);
        assert_eq!(
            worst(&[
                r(Class::Usable),
                r(Class::NoAnswer),
                r(Class::Refused),
                r(Class::Storage)
            ]),
            Class::Refused
        );
        assert_eq!(
            worst(&[r(Class::NoAnswer), r(Class::Usable)]),
            Class::NoAnswer
        );
    }

    #[test]
    fn attention_for_news_and_for_old_tests() {
        let now = 1_800_000_000;
        let entry = |test: Option<LastTest>, saved: i64| IndexEntry {
            ids: KeyIds {
                key_id: crate::core::ids::KeyId::normalised("2X9R4HXF34".into()),
                issuer_id: None,
                kind: KeyKind::Individual,
            },
            label: "Shop".into(),
            fingerprint: "sha256:00".into(),
            saved_at: rfc3339(saved),
            last_test: test,
            unconfirmed: false,
        };
        let fresh = last("valid", &rfc3339(now - 86_400));
        assert_eq!(
            attention(&entry(Some(fresh.clone()), now - 86_400), now),
            None
        );
        let old = last("valid", &rfc3339(now - 31 * 86_400));
        let said = attention(&entry(Some(old), now - 40 * 86_400), now).unwrap();
        assert!(
            said.contains("Shop (2X9R4HXF34) was last tested 31 days ago"),
            "{said}"
        );
        assert!(attention(&entry(None, now - 31 * 86_400), now)
            .unwrap()
            .contains("never tested"));
        let news = LastTest {
            change: Some("Was valid on 2026-11-01, now refused.".into()),
            ..fresh
        };
        assert_eq!(
            attention(&entry(Some(news), now), now).unwrap(),
            "Shop (2X9R4HXF34): Was valid on 2026-11-01, now refused."
        );
    }
}
