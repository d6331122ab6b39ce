//! Every sentence the wizard says about App Store Connect is listed, word for word, in
//! docs/app-store-connect.md under a section that backs it, and every listed sentence is still
//! in the wizard (its page, and the 401 checklist the core words for it): changing one without
//! the other fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// Words that make a sentence a claim about App Store Connect (its pages, buttons, roles, rules).
const TERMS: [&str; 11] = [
    "App Store Connect",
    "Request Access",
    "Team Keys",
    "Generate API Key",
    "revoke",
    "Revoked",
    "Account Holder",
    "Admin",
    "Integrations",
    "Users and Access",
    "Enterprise",
];

/// Tags that sit inside a sentence; every other tag ends one.
const INLINE: [&str; 9] = ["a", "strong", "em", "code", "kbd", "span", "b", "i", "abbr"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The text of `index.html`, one line per block element, without scripts and styles.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        // Source line breaks are only spaces; block tags (below) end a line.
        out.push_str(&rest[..open].replace('\n', " "));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else { break };
        let tag = &after[..close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[close + 1..];
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let end = format!("</{name}>");
            rest = rest.find(&end).map_or("", |i| &rest[i + end.len()..]);
            continue;
        }
        // An attribute's words (aria-label, title, placeholder) are read out too.
        for attr in ["aria-label=\"", "title=\"", "placeholder=\""] {
            if let Some(i) = tag.find(attr) {
                let v = &tag[i + attr.len()..];
                out.push('\n');
                out.push_str(&v[..v.find('"').unwrap_or(v.len())]);
            }
        }
        if !INLINE.contains(&name.as_str()) {
            out.push('\n');
        }
    }
    out.push_str(&rest.replace('\n', " "));
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

/// Every string literal of a JS module ('…', "…", `…`), one per line, comments skipped.
fn js_strings(js: &str) -> String {
    let mut out = String::new();
    let mut chars = js.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '\'' | '"' | '`' => {
                let mut s = String::new();
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                s.push(e);
                            }
                        }
                        d if d == c => break,
                        d => s.push(d),
                    }
                }
                out.push('\n');
                out.push_str(&s);
            }
            _ => {}
        }
    }
    out
}

/// Sentences of `text`: lines split after `.`, `?` or `!` when a capital or a quote follows.
fn sentences(text: &str) -> Vec<String> {
    let mut all = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut current: Vec<&str> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            current.push(w);
            let next_starts = words
                .get(i + 1)
                .and_then(|n| n.chars().next())
                .is_some_and(|c| c.is_uppercase() || "“\"(".contains(c));
            if w.ends_with(['.', '?', '!']) && next_starts {
                all.push(current.join(" "));
                current.clear();
            }
        }
        if !current.is_empty() {
            all.push(current.join(" "));
        }
    }
    all
}

fn ui_sentences() -> BTreeSet<String> {
    let ui = root().join("ui");
    let mut text = html_text(&std::fs::read_to_string(ui.join("index.html")).unwrap());
    let mut dirs = vec![ui];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "js") {
                text.push('\n');
                text.push_str(&js_strings(&std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    // The 401 checklist is worded in the core and shown by the wizard as it comes.
    for item in asc_key_wizard::core::apple::words::checklist_items() {
        text.push('\n');
        text.push_str(item);
    }
    sentences(&text)
        .into_iter()
        .filter(|s| TERMS.iter().any(|t| s.contains(t)))
        .collect()
}

/// `- "sentence" — backed by: Heading` lines of the doc, with the headings the doc has.
fn listed(doc: &str) -> (Vec<(String, String)>, BTreeSet<String>) {
    let headings = doc
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::to_owned)
        .collect();
    let rows = doc
        .lines()
        .filter_map(|l| l.strip_prefix("- \""))
        .map(|l| {
            let (sentence, backing) = l
                .split_once("\" — backed by: ")
                .unwrap_or_else(|| panic!("malformed line: {l}"));
            (sentence.to_owned(), backing.trim().to_owned())
        })
        .collect();
    (rows, headings)
}

#[test]
fn every_sentence_about_app_store_connect_is_backed_by_the_doc() {
    let doc = std::fs::read_to_string(root().join("docs/app-store-connect.md")).unwrap();
    let (rows, headings) = listed(&doc);
    let ui = ui_sentences();
    assert!(ui.len() >= 20, "the extraction found too little: {ui:#?}");
    let in_doc: BTreeSet<String> = rows.iter().map(|(s, _)| s.clone()).collect();

    let unlisted: Vec<&String> = ui.difference(&in_doc).collect();
    assert!(
        unlisted.is_empty(),
        "wizard sentences about App Store Connect missing from docs/app-store-connect.md \
         (add each as `- \"…\" — backed by: <section>`):\n{}",
        unlisted
            .iter()
            .map(|s| format!("- \"{s}\""))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let gone: Vec<&String> = in_doc.difference(&ui).collect();
    assert!(
        gone.is_empty(),
        "listed in the doc but no longer in the wizard: {gone:#?}"
    );
    for (sentence, backing) in &rows {
        assert!(
            headings.contains(backing),
            "\"{sentence}\" is backed by a missing section \"{backing}\""
        );
    }
}

#[test]
fn the_extraction_finds_sentences_in_markup_and_code() {
    let text = html_text("<p>Open <strong>Users and Access</strong>. Then go.</p><li title=\"Team Keys page\">x</li><script>'no'</script>");
    assert_eq!(
        sentences(&text)
            .iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>(),
        ["Open Users and Access.", "Then go.", "Team Keys page", "x"]
    );
    let js = js_strings(
        "// 'not this'\nconst a = 'It\\'s here.'; /* \"nor this\" */ const b = `Team ${x} Keys`;",
    );
    assert_eq!(
        js.lines().filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        ["It's here.", "Team ${x} Keys"]
    );
}
