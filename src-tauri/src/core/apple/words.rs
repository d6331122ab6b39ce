//! The words for every outcome: Apple's answers (`Answer`, one `match` arm each, so the compiler
//! finds a missing one), the 401 checklist, and what the wizard shows beside them.

use super::{Capabilities, FollowUp};
use crate::core::problem::Code;

macro_rules! answers {
    ($($variant:ident,)*) => {
        /// Every outcome the Apple client reaches by itself: Apple's answer, or why there was none.
        /// Each is the `Code` of the same name; a new one is a line here and one in
        /// `core/problem.rs`, and `describe` below will not compile until it has words.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Answer { $($variant,)* }

        impl Answer {
            pub const ALL: &'static [Answer] = &[$(Answer::$variant,)*];

            /// The code `Verification.outcome` carries for this answer.
            pub const fn code(self) -> Code {
                match self { $(Answer::$variant => Code::$variant,)* }
            }
        }
    };
}

answers! {
    Valid,
    NotAuthorized,
    ClockSkew,
    KeyIsIndividual,
    KeyIsTeam,
    KeyIdFromFileName,
    ForbiddenRole,
    AgreementRequired,
    Forbidden,
    RateLimited,
    AppleUnavailable,
    NetworkUnreachable,
    NetworkTimeout,
    TlsError,
    AppleBadResponse,
}

impl Answer {
    /// The answer an outcome code stands for; `None` for a problem that stopped the run.
    pub fn of(code: Code) -> Option<Answer> {
        Answer::ALL.iter().copied().find(|a| a.code() == code)
    }
}

// Tests compare with the snake_case codes `--json` uses.
impl PartialEq<&str> for Answer {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
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

/// One point of the 401 checklist: Apple gives the same answer for each of these mismatches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    KeyId,
    IssuerId,
    NotRevoked,
    NotEnterprise,
    ApiKeyKind,
    KindChosen,
}

impl Cause {
    const ALL: [Cause; 6] = [
        Cause::KeyId,
        Cause::IssuerId,
        Cause::NotRevoked,
        Cause::NotEnterprise,
        Cause::ApiKeyKind,
        Cause::KindChosen,
    ];

    /// The follow-up whose refusal rules this point out (`diagnose.rs`).
    const fn ruled_out_by(self) -> Option<FollowUp> {
        match self {
            Cause::KindChosen => Some(FollowUp::OtherKind),
            Cause::KeyId
            | Cause::IssuerId
            | Cause::NotRevoked
            | Cause::NotEnterprise
            | Cause::ApiKeyKind => None,
        }
    }

    /// Its clause in the one-line hint (`--json` and the CLI); the Enterprise point is part of
    /// the API key's clause there.
    const fn clause(self) -> Option<&'static str> {
        Some(match self {
            Cause::KeyId => "the Key ID matches the file name AuthKey_<KEYID>.p8",
            Cause::IssuerId => "the Issuer ID was copied from the top of the Team Keys page in App Store Connect",
            Cause::NotRevoked => "the key is not revoked (look for it under Revoked keys in App Store Connect: revoked keys stay listed for 30 days, and revocation is permanent)",
            Cause::NotEnterprise => return None,
            Cause::ApiKeyKind => "it is an App Store Connect API key (not an APNs, Sign in with Apple or In-App Purchase key, nor an Enterprise Program API key)",
            Cause::KindChosen => "Team vs Individual is chosen correctly",
        })
    }

    /// Its item in the wizard's checklist.
    const fn item(self) -> &'static str {
        match self {
            Cause::KeyId => "The Key ID is the one in the key's row, and matches the file name (AuthKey_<Key ID>.p8).",
            Cause::IssuerId => "The Issuer ID was copied from the top of the Team Keys page.",
            Cause::NotRevoked => "The key is not revoked: look for it under Revoked keys in App Store Connect (revoked keys stay listed there for 30 days, and a revoked key never works again).",
            Cause::NotEnterprise => "The account is not in the Apple Developer Enterprise Program: its keys belong to a different API.",
            Cause::ApiKeyKind => "It is an App Store Connect API key, not a push notification (APNs) or In-App Purchase key.",
            Cause::KindChosen => "Team key or Individual key is chosen correctly on the previous step.",
        }
    }
}

/// Every item the wizard's 401 checklist can show (tests/suite/asc_sentences.rs holds them against
/// docs/app-store-connect.md, as it does the page's own sentences).
pub fn checklist_items() -> impl Iterator<Item = &'static str> {
    Cause::ALL.into_iter().map(Cause::item)
}

/// The points of the 401 checklist the follow-ups did not rule out.
fn open_causes(tried: &[FollowUp]) -> impl Iterator<Item = Cause> + '_ {
    Cause::ALL
        .into_iter()
        .filter(|c| !c.ruled_out_by().is_some_and(|f| tried.contains(&f)))
}

/// The 401 checklist as one sentence, minus what the follow-ups ruled out.
fn not_authorized_hint(tried: &[FollowUp]) -> String {
    let mut items: Vec<&str> = open_causes(tried).filter_map(Cause::clause).collect();
    let last = items.pop().unwrap_or_default();
    format!("Check that: {}; and {last}.", items.join("; "))
}

/// What the wizard shows beside an answer's message and hint (`Tested`).
pub struct Shown {
    pub checklist: Vec<&'static str>,
    pub not_as_given: bool,
    pub hint_note: Option<String>,
}

/// The wizard's extras for an answer: decided here, so the webview never switches on a code.
pub fn shown(v: &super::Verification) -> Shown {
    let answer = Answer::of(v.outcome);
    let checklist = match answer {
        Some(Answer::NotAuthorized) => open_causes(&v.tried).map(Cause::item).collect(),
        _ => Vec::new(),
    };
    let hint_note = match (answer, v.clock_offset_s) {
        (Some(Answer::ClockSkew), Some(off)) => Some(format!(
            "(Your clock is about {} seconds {} Apple's.)",
            off.unsigned_abs(),
            if off > 0 { "behind" } else { "ahead of" }
        )),
        _ => None,
    };
    // Apple took the key only as another kind or under the file name's Key ID (`diagnose.rs`).
    let not_as_given = matches!(
        answer,
        Some(Answer::KeyIsIndividual | Answer::KeyIsTeam | Answer::KeyIdFromFileName)
    );
    Shown {
        checklist,
        not_as_given,
        hint_note,
    }
}

/// Message (what happened) and hint (what to do) for each answer: one arm each, no catch-all.
/// (A problem that stopped the run before any request keeps its own words.)
pub fn describe(answer: Answer, cx: &Context) -> (String, String) {
    let status = cx
        .http_status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    match answer {
        Answer::Valid => {
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
        Answer::NotAuthorized => {
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
        Answer::KeyIsIndividual => (
            "Apple accepts this key as an individual key, not as a team key.".into(),
            "An individual key belongs to one user and cannot manage certificates and provisioning profiles, so a platform that builds apps for you needs a team key: create one under Team Keys in App Store Connect. To use this key anyway, test it as an individual key.".into(),
        ),
        Answer::KeyIsTeam => (
            "Apple accepts this key as a team key, not as an individual key.".into(),
            "Test it again as a team key, with the Issuer ID from the top of the Team Keys page in App Store Connect.".into(),
        ),
        Answer::KeyIdFromFileName => {
            let accepted = cx.accepted_key_id.as_deref().unwrap_or("the one in the file name");
            (
                format!("Apple accepts this key with the Key ID in its file name, {accepted}, not with {}.", cx.given_key_id),
                format!("Use {accepted} as the Key ID, then test again."),
            )
        }
        Answer::ClockSkew => {
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
        Answer::ForbiddenRole => (
            "The key is genuine, but its access level (role) is too low for this request.".into(),
            "A key's role cannot be changed: create a new Team key with Admin access in App Store Connect → Users and Access → Integrations, then revoke this one.".into(),
        ),
        Answer::AgreementRequired => (
            "Apple is blocking this account until the Account Holder accepts an updated agreement.".into(),
            "The Account Holder should sign in to App Store Connect, open Business (or the Apple Developer account), accept the latest agreement, then verify again. A new key will not help.".into(),
        ),
        Answer::Forbidden => {
            let code = cx.apple_code.as_deref().map(|c| format!(", code {c}")).unwrap_or_default();
            (
                format!("Apple refused this request for this key (HTTP 403{code})."),
                "Check the key's access in App Store Connect → Users and Access → Integrations. If it keeps happening, create a new Team key with Admin access.".into(),
            )
        }
        Answer::RateLimited => (
            "Apple says this key has made too many requests in the last hour.".into(),
            match cx.retry_after_s {
                Some(s) => format!("Wait about {} and try again. Apple counts requests per key over a rolling hour.", human_secs(s)),
                None => "Wait a few minutes and try again. Apple counts requests per key over a rolling hour.".into(),
            },
        ),
        Answer::AppleUnavailable => (
            format!("App Store Connect is having trouble right now{status}."),
            "This is on Apple's side, not a problem with your key. Try again in a few minutes.".into(),
        ),
        Answer::NetworkUnreachable => (
            format!("Could not reach App Store Connect at {}.", cx.host),
            "Check the internet connection (and any VPN, proxy or firewall), then try again.".into(),
        ),
        Answer::NetworkTimeout => (
            "App Store Connect did not answer in time.".into(),
            "Check the internet connection and try again; on a slow or filtered network, try another one.".into(),
        ),
        Answer::TlsError => (
            format!("A secure (HTTPS) connection to {} could not be set up.", cx.host),
            "Check that this computer's date is right and that no security software or proxy intercepts secure connections, then try again.".into(),
        ),
        Answer::AppleBadResponse => (
            format!("App Store Connect answered with something unexpected{status}."),
            "Try again in a few minutes. If the API address was changed from Apple's, check that it points at the App Store Connect API.".into(),
        ),
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
            let (m, h) = describe(
                Answer::of(Code::parse(code).unwrap()).unwrap(),
                &Context::default(),
            );
            assert!(
                !m.is_empty() && !h.is_empty() && !m.contains("Verification stopped"),
                "{code}"
            );
            let class = Code::parse(code).map(|c| c.class());
            assert!(
                matches!(
                    class,
                    Some(Class::Usable | Class::Refused | Class::NoAnswer | Class::Usage)
                ),
                "{code}"
            );
        }
        assert_eq!(Answer::ALL.len(), 15, "each listed above, and no other");
        assert_eq!(human_secs(600), "10 minutes");
        assert_eq!(human_secs(86_400), "24 hours");
        assert_ne!(human_secs(u64::MAX), "0 hours");
    }

    #[test]
    fn the_401_checklist_is_one_list_worded_twice() {
        let all = not_authorized_hint(&[]);
        assert!(
            all.starts_with("Check that: the Key ID matches")
                && all.ends_with("; and Team vs Individual is chosen correctly."),
            "{all}"
        );
        let kind_ruled_out = not_authorized_hint(&[FollowUp::OtherKind]);
        assert!(kind_ruled_out.ends_with("; and it is an App Store Connect API key (not an APNs, Sign in with Apple or In-App Purchase key, nor an Enterprise Program API key)."), "{kind_ruled_out}");
        let mut v = crate::core::apple::Verification::by_hand("not_authorized", "no", "check");
        assert_eq!(shown(&v).checklist.len(), 6);
        v.tried = vec![FollowUp::AppleClock, FollowUp::OtherKind];
        let items = shown(&v).checklist;
        assert_eq!(items.len(), 5);
        assert!(
            !items
                .iter()
                .any(|i| i.contains("Team key or Individual key")),
            "{items:?}"
        );
        let other = shown(&crate::core::apple::Verification::by_hand(
            "key_is_team",
            "team",
            "as team",
        ));
        assert!(other.checklist.is_empty() && other.not_as_given && other.hint_note.is_none());
        let mut skew = crate::core::apple::Verification::by_hand("clock_skew", "clock", "fix it");
        skew.clock_offset_s = Some(-600);
        assert_eq!(
            shown(&skew).hint_note.as_deref(),
            Some("(Your clock is about 600 seconds ahead of Apple's.)")
        );
    }
}
