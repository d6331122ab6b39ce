//! Which App Store Connect page the window shows, told from its address alone, and what the merchant does there.
//!
//! App Store Connect is shown in the merchant's language ("Users and Access" may read "Benutzer und
//! Zugriff"), so nothing here reads the page's text: the page comes from the URL path, the control
//! to outline is found by structure (links by `href`, roles, attributes), and the one thing read from
//! the page, the Issuer ID, is taken by a fixed script that only collects UUID-shaped strings.

use crate::core::ids::normalize_issuer_id;
use serde::Serialize;

/// The pages the wizard can guide through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Page {
    SignIn,
    UsersAndAccess,
    Integrations,
    ApiKeys,
    Unknown,
}

/// The page at `path` (the URL's path; a query or fragment is ignored). Paths as App Store Connect
/// uses them in 2026; anything else is `Unknown`, where the wizard's numbered steps still apply.
pub fn recognise(path: &str) -> Page {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["login", ..] | ["signin", ..] => Page::SignIn,
        ["access", "integrations", "api", ..] | ["access", "api", ..] => Page::ApiKeys,
        ["access", "integrations", ..] => Page::Integrations,
        ["access", ..] => Page::UsersAndAccess,
        _ => Page::Unknown,
    }
}

impl Page {
    /// The instruction the wizard's window shows beside this page.
    pub fn instruction(self) -> &'static str {
        match self {
            Page::SignIn => "Sign in with the Apple Account that holds the Admin role for your team. A code from your trusted device or by text message works here.",
            Page::UsersAndAccess => "Open Integrations (outlined in red) at the top of Users and Access.",
            Page::Integrations => "Open the App Store Connect API tab (outlined in red).",
            Page::ApiKeys => "Press + to generate a key (Admin access), or Download on the new key's row. Apple lets you download it only once; the wizard takes it straight from here.",
            Page::Unknown => "Go to Users and Access → Integrations → App Store Connect API, as in the steps here.",
        }
    }

    /// Which of the wizard's numbered steps (1-based, as step 2 lists them) this page is at, so the
    /// wizard can mark it; `None` where the page is not recognised.
    pub fn step(self) -> Option<u8> {
        match self {
            Page::SignIn => Some(1),
            Page::UsersAndAccess | Page::Integrations => Some(2),
            Page::ApiKeys => Some(3),
            Page::Unknown => None,
        }
    }

    /// The CSS selector of the control to outline, by structure only (never by visible text);
    /// `None` when this page has nothing to outline.
    pub fn outline(self) -> Option<&'static str> {
        match self {
            Page::SignIn | Page::Unknown => None,
            Page::UsersAndAccess => Some(r#"a[href*="/access/integrations"]"#),
            Page::Integrations => Some(r#"a[href*="/access/integrations/api"]"#),
            // A Download link (the `download` attribute) if there is one; else the add button.
            Page::ApiKeys => Some(
                r#"a[download], button[aria-haspopup="dialog"], a[href*="/access/integrations/api/new"]"#,
            ),
        }
    }
}

/// The script that outlines the control `selector` names (one of [`Page::outline`]'s) and
/// scrolls it into view; it removes the outline it set before. It reads nothing back.
pub fn outline_script(selector: &str) -> String {
    let selector = serde_json::to_string(selector).unwrap_or_else(|_| "\"\"".into());
    format!(
        "(() => {{ document.querySelectorAll('[data-asc-wizard-outline]').forEach(e => {{ e.style.outline = ''; e.removeAttribute('data-asc-wizard-outline'); }}); \
         const el = document.querySelector({selector}); if (!el) return; el.setAttribute('data-asc-wizard-outline', ''); \
         el.style.outline = '3px solid #d70015'; el.style.outlineOffset = '2px'; el.scrollIntoView({{block: 'center'}}); }})()"
    )
}

/// The read-only script that collects the UUID-shaped strings the page's text shows; the window
/// runs exactly this, and nothing else is read from Apple's pages. It returns a JSON array of at
/// most 8 strings.
pub const ISSUER_SCRIPT: &str = r#"(() => {
  const t = (document.body && document.body.innerText) || '';
  const m = t.match(/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g) || [];
  return JSON.stringify(m.slice(0, 8));
})()"#;

/// The Issuer ID to offer the merchant: only when the page showed exactly one distinct UUID (a
/// page with two would leave the choice to a guess; the paste stays then). Normalised by the same
/// rule as a pasted one.
pub fn issuer_offer(found: &[String]) -> Option<String> {
    let mut ids: Vec<String> = found
        .iter()
        .filter_map(|s| normalize_issuer_id(s).ok())
        .map(|n| n.value)
        .collect();
    ids.sort();
    ids.dedup();
    match ids.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_told_from_the_path() {
        assert_eq!(recognise("/login"), Page::SignIn);
        assert_eq!(recognise("/login?targetUrl=%2Faccess"), Page::SignIn);
        assert_eq!(recognise("/access/users"), Page::UsersAndAccess);
        assert_eq!(recognise("/access/users/sandbox"), Page::UsersAndAccess);
        assert_eq!(recognise("/access/integrations"), Page::Integrations);
        assert_eq!(recognise("/access/integrations/"), Page::Integrations);
        assert_eq!(recognise("/access/integrations/api"), Page::ApiKeys);
        assert_eq!(
            recognise("/access/integrations/api/individual-keys#x"),
            Page::ApiKeys
        );
        assert_eq!(recognise("/access/api"), Page::ApiKeys);
        assert_eq!(recognise("/apps"), Page::Unknown);
        assert_eq!(recognise(""), Page::Unknown);
        // A path that only contains the words elsewhere is not the page.
        assert_eq!(recognise("/apps/access/integrations"), Page::Unknown);
    }

    #[test]
    fn every_page_has_an_instruction_and_outlines_only_by_structure() {
        for page in [
            Page::SignIn,
            Page::UsersAndAccess,
            Page::Integrations,
            Page::ApiKeys,
            Page::Unknown,
        ] {
            assert!(page.instruction().ends_with('.'), "{page:?}");
            if let Some(sel) = page.outline() {
                // Structure, never the English words on the control.
                assert!(
                    !sel.contains(":contains")
                        && !sel.contains("Download")
                        && !sel.contains("Generate"),
                    "{sel}"
                );
            }
        }
        assert_eq!(serde_json::to_value(Page::ApiKeys).unwrap(), "api_keys");
        assert_eq!(Page::SignIn.step(), Some(1));
        assert_eq!(Page::ApiKeys.step(), Some(3));
        assert_eq!(Page::Unknown.step(), None);
        let script = outline_script(Page::UsersAndAccess.outline().unwrap());
        assert!(
            script.contains(r#"document.querySelector("a[href*=\"/access/integrations\"]")"#),
            "{script}"
        );
    }

    #[test]
    fn exactly_one_issuer_id_is_offered() {
        let id = "57246542-96fe-1a63-e053-0824d011072a";
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(issuer_offer(&s(&[id])).as_deref(), Some(id));
        // The same one shown twice, in either case, is still one.
        assert_eq!(
            issuer_offer(&s(&[id, &id.to_uppercase()])).as_deref(),
            Some(id)
        );
        assert_eq!(issuer_offer(&s(&[])), None);
        assert_eq!(
            issuer_offer(&s(&[id, "11111111-2222-3333-4444-555555555555"])),
            None
        );
        assert_eq!(issuer_offer(&s(&["not-a-uuid"])), None);
        assert!(
            ISSUER_SCRIPT.contains("innerText")
                && !ISSUER_SCRIPT.contains("fetch")
                && !ISSUER_SCRIPT.contains("invoke")
        );
    }
}
