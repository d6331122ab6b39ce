//! The accessibility audit of every e2e screen: axe-core (npm, pinned in tests/e2e/axe, never
//! shipped in the app) injected through WebDriver and run against WCAG 2.0/2.1 A and AA.

use std::path::Path;
use std::sync::OnceLock;

/// The rules that count: WCAG 2.0 and 2.1, levels A and AA.
pub const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// `tests/e2e/axe/node_modules/axe-core/axe.min.js` (installed by `scripts/setup-linux.sh --test`).
pub fn source() -> Option<&'static str> {
    static SRC: OnceLock<Option<String>> = OnceLock::new();
    SRC.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/e2e/axe/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(path).ok()
    })
    .as_deref()
}

/// Defines `window.axe` in the page (the script is WebDriver's own, so the app's CSP, which
/// forbids inline scripts and eval, does not stop it); `true` once axe is there.
pub fn inject_script(src: &str) -> String {
    format!("if (!window.axe) {{ {src}\n}} return typeof window.axe === 'object';")
}

/// An async script: run axe on the whole document and hand back the violations, compactly.
pub fn run_script() -> String {
    let tags = serde_json::to_string(&TAGS).unwrap();
    format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {tags} }}, resultTypes: ['violations'] }})
           .then((r) => done(r.violations.map((v) => ({{
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + n.html.slice(0, 160)),
           }}))))
           .catch((e) => done([{{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }}]));"
    )
}

/// One line per violation: `rule (impact): help — targets`.
pub fn describe(violations: &serde_json::Value) -> Vec<String> {
    violations
        .as_array()
        .map(|list| {
            list.iter()
                .map(|v| {
                    let nodes: Vec<&str> = v["nodes"]
                        .as_array()
                        .map(|n| n.iter().filter_map(|x| x.as_str()).collect())
                        .unwrap_or_default();
                    format!(
                        "{} ({}): {} — {}",
                        v["id"].as_str().unwrap_or("?"),
                        v["impact"].as_str().unwrap_or("?"),
                        v["help"].as_str().unwrap_or(""),
                        nodes.join(" | ")
                    )
                })
                .collect()
        })
        .unwrap_or_else(|| vec![format!("axe returned {violations}")])
}
