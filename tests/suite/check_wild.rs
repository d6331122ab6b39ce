//! Keys as the wild hands them over (issue 21 §6), each made at test time by the tool that really produces it where it exists here (iconv, pandoc, Python's `email`): every repair gives its own note and exactly the original key; every unsafe case its own problem.

use crate::support::keys;
use crate::support::wild;

use asc_key_wizard::core::key::{check, CheckInput, Report};
use keys::*;
use p256::SecretKey;
use wild::*;

fn sorted(v: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    let mut v: Vec<String> = v.into_iter().map(Into::into).collect();
    v.sort();
    v
}

fn report(bytes: &[u8]) -> (Report, Option<String>) {
    let c = check(CheckInput {
        bytes,
        ..Default::default()
    });
    let pem = c.key.as_ref().map(|k| k.canonical_pem().to_string());
    (c.report, pem)
}

/// Usable, with exactly `notes`, as the very key `s` (Apple's form and fingerprint); and the
/// repaired key checks clean.
fn assert_repaired(name: &str, bytes: &[u8], s: &SecretKey, notes: &[&str]) {
    let (r, pem) = report(bytes);
    assert!(r.ok, "{name}: {r:#?}");
    assert_eq!(
        sorted(r.notes.iter().map(|n| n.code)),
        sorted(notes.iter().copied()),
        "{name}: {r:#?}"
    );
    let apple = apple_pem(s);
    assert_eq!(pem.as_deref(), Some(apple.as_str()), "{name}: the same key");
    let (clean, _) = report(apple.as_bytes());
    assert_eq!(
        r.fingerprint, clean.fingerprint,
        "{name}: the same fingerprint"
    );
    assert!(
        !serde_json::to_string(&r)
            .unwrap()
            .contains(&body(&apple)[40..80]),
        "{name}: key material in the report"
    );
}

/// Not usable, with exactly the problem `code`, whose message and hint are one line each.
fn assert_problem(name: &str, bytes: &[u8], code: &str) {
    let (r, _) = report(bytes);
    assert!(!r.ok, "{name}: {r:#?}");
    let codes: Vec<&str> = r.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, [code], "{name}: {r:#?}");
    let p = &r.problems[0];
    assert!(
        !p.message.contains('\n') && !p.hint.is_empty(),
        "{name}: {p:?}"
    );
}

fn with_bom(bom: &[u8], bytes: Vec<u8>) -> Vec<u8> {
    [bom, &bytes].concat()
}

// ------------------------------------------------------------------ Windows tools

#[test]
fn powershell_utf16le_with_bom_and_crlf_is_decoded() {
    let s = secret();
    // Windows PowerShell 5's `>` and `Out-File`: UTF-16 LE with a BOM, CRLF line endings.
    let Some(bytes) = iconv(&crlf(&apple_pem(&s)), "UTF-16LE") else {
        return;
    };
    assert_repaired(
        "powershell >",
        &with_bom(&[0xFF, 0xFE], bytes),
        &s,
        &["utf16_decoded", "crlf_normalized"],
    );
}

#[test]
fn utf16_in_every_byte_order_is_decoded() {
    let s = secret();
    let apple = apple_pem(&s);
    // glibc's "UTF-16" writes a BOM itself.
    let Some(with_own_bom) = iconv(&apple, "UTF-16") else {
        return;
    };
    assert_repaired("iconv UTF-16", &with_own_bom, &s, &["utf16_decoded"]);
    let be = iconv(&apple, "UTF-16BE").unwrap();
    assert_repaired(
        "UTF-16BE with BOM",
        &with_bom(&[0xFE, 0xFF], be.clone()),
        &s,
        &["utf16_decoded"],
    );
    assert_repaired("UTF-16BE without BOM", &be, &s, &["utf16_decoded"]);
    let le = iconv(&apple, "UTF-16LE").unwrap();
    assert_repaired("UTF-16LE without BOM", &le, &s, &["utf16_decoded"]);
}

#[test]
fn notepad_ansi_needs_no_repair() {
    // Notepad's "ANSI" (Windows-1252) is the same bytes as ASCII: nothing to repair.
    let s = secret();
    let Some(bytes) = iconv(&apple_pem(&s), "CP1252") else {
        return;
    };
    assert_repaired("ANSI", &bytes, &s, &[]);
}

#[test]
fn utf16_cut_short_is_damaged_in_transit() {
    let s = secret();
    let Some(mut bytes) = iconv(&apple_pem(&s), "UTF-16LE") else {
        return;
    };
    bytes.pop(); // half a character: the file was cut off
    assert_problem(
        "odd UTF-16",
        &with_bom(&[0xFF, 0xFE], bytes),
        "damaged_in_transit",
    );
}

// ------------------------------------------------------- word processors, rich text

#[test]
fn rtf_from_pandoc_is_decoded() {
    let s = secret();
    let apple = apple_pem(&s);
    // The key in a code block, as a rich-text editor saves it.
    let Some(rtf) = pandoc(&format!("```\n{apple}```\n"), "markdown", "rtf", &["-s"]) else {
        return;
    };
    assert_repaired("rtf code block", &rtf, &s, &["rtf_decoded"]);
    // The key as a paragraph: smart dashes, line breaks turned into spaces.
    let rtf = pandoc(&apple, "markdown", "rtf", &["-s"]).unwrap();
    assert_repaired(
        "rtf paragraph",
        &rtf,
        &s,
        &["rtf_decoded", "dashes_restored", "rewrapped"],
    );
}

#[test]
fn autocorrected_dashes_are_restored() {
    let s = secret();
    // pandoc's smart typography turns `-----` into `—–`, as Word's and Pages' autocorrect do.
    let Some(text) = pandoc(&apple_pem(&s), "markdown", "plain", &["--wrap=preserve"]) else {
        return;
    };
    assert!(
        String::from_utf8_lossy(&text).contains("—–BEGIN"),
        "pandoc made smart dashes"
    );
    assert_repaired("smart dashes", &text, &s, &["dashes_restored"]);
}

#[test]
fn invisible_characters_and_smart_quotes_are_removed() {
    let s = secret();
    let apple = apple_pem(&s);
    let pasted = autocorrected(&apple);
    assert_repaired(
        "word paste",
        pasted.as_bytes(),
        &s,
        &[
            "dashes_restored",
            "invisible_characters_removed",
            "whitespace_trimmed",
        ],
    );
    let zero_width = apple.replacen('\n', "\u{200B}\n", 3);
    assert_repaired(
        "zero-width spaces",
        zero_width.as_bytes(),
        &s,
        &["invisible_characters_removed"],
    );
    let separators = apple.replace('\n', "\u{2028}");
    assert_repaired(
        "line separators",
        separators.as_bytes(),
        &s,
        &["invisible_characters_removed"],
    );
    let single = format!("‘{}’", apple.trim_end());
    assert_repaired(
        "smart single quotes",
        single.as_bytes(),
        &s,
        &["quotes_removed"],
    );
    let german = format!("„{}“", apple.trim_end());
    assert_repaired("German quotes", german.as_bytes(), &s, &["quotes_removed"]);
}

#[test]
fn word_documents_are_named() {
    let s = secret();
    let markdown = format!("```\n{}```\n", apple_pem(&s));
    let Some(docx) = pandoc(&markdown, "markdown", "docx", &[]) else {
        return;
    };
    assert_problem("docx", &docx, "word_document");
    let odt = pandoc(&markdown, "markdown", "odt", &[]).unwrap();
    assert_problem("odt", &odt, "word_document");
}

#[test]
fn typographic_characters_inside_the_body_are_not_guessed() {
    let s = secret();
    let apple = apple_pem(&s);
    // Autocorrect's "1/2" → "½" (or any typographic character) inside the body: which key
    // characters it replaced cannot be known.
    let at = apple.find('\n').unwrap() + 20;
    let mut damaged = apple.clone();
    damaged.replace_range(at..at + 1, "½");
    assert_problem("½ in the body", damaged.as_bytes(), "autocorrected_key");
    let mut damaged = apple.clone();
    damaged.replace_range(at..at + 1, "–");
    assert_problem(
        "en dash in the body",
        damaged.as_bytes(),
        "autocorrected_key",
    );
}

// ------------------------------------------------------------ HTML and e-mail

#[test]
fn html_from_pandoc_is_decoded() {
    let s = secret();
    let apple = apple_pem(&s);
    let Some(pre) = pandoc(&format!("```\n{apple}```\n"), "markdown", "html", &[]) else {
        return;
    };
    assert_repaired("html pre", &pre, &s, &["html_decoded"]);
    // Hard line breaks (`<br />`) in a paragraph, with smart dashes.
    let breaks: String = apple.lines().map(|l| format!("{l}  \n")).collect();
    let html = pandoc(&breaks, "markdown", "html", &[]).unwrap();
    assert!(String::from_utf8_lossy(&html).contains("<br />"));
    assert_repaired("html br", &html, &s, &["html_decoded", "dashes_restored"]);
}

#[test]
fn html_entities_and_divs_are_decoded() {
    let s = secret();
    let apple = apple_pem(&s);
    assert_repaired(
        "html divs",
        html_divs(&apple).as_bytes(),
        &s,
        &["html_decoded"],
    );
    let nbsp = format!(
        "<p>{}</p>",
        apple
            .trim_end()
            .replace('\n', "<br>")
            .replace('+', "&plus;")
            .replacen(' ', "&nbsp;", 1)
    );
    assert_repaired("html entities", nbsp.as_bytes(), &s, &["html_decoded"]);
}

#[test]
fn html_with_a_lost_line_is_damaged_in_transit() {
    let s = secret();
    let html = html_divs(&lost_line(&apple_pem(&s)));
    assert_problem("html lost line", html.as_bytes(), "damaged_in_transit");
}

#[test]
fn reply_quoting_is_removed() {
    let s = secret();
    let apple = apple_pem(&s);
    let reply = format!("On Monday, Dev wrote:\n{}", reply_quoted(&apple, 1));
    assert_repaired("> reply", reply.as_bytes(), &s, &["email_quotes_removed"]);
    let nested = reply_quoted(&reply_quoted(&apple, 1), 1);
    assert_repaired(
        "> > reply",
        nested.as_bytes(),
        &s,
        &["email_quotes_removed"],
    );
    assert_repaired(
        ">> reply",
        reply_quoted(&apple, 2).as_bytes(),
        &s,
        &["email_quotes_removed"],
    );
}

#[test]
fn quoted_printable_from_python_email_is_decoded() {
    let s = secret();
    let apple = apple_pem(&s);
    // The whole key on one line: the encoder breaks it with soft line breaks (`=` at line ends).
    let script = "m.set_content(key, cte='quoted-printable')";
    let Some(eml) = python_email(&spaces_for_newlines(&apple), script) else {
        return;
    };
    assert!(
        String::from_utf8_lossy(&eml).contains("=\n"),
        "soft line breaks"
    );
    assert_repaired(
        "quoted-printable",
        &eml,
        &s,
        &["quoted_printable_decoded", "rewrapped"],
    );
    // SEC1's padding `==` becomes `=3D=3D`.
    let eml = python_email(&sec1_pem(&s), script).unwrap();
    assert!(
        String::from_utf8_lossy(&eml).contains("=3D"),
        "encoded padding"
    );
    assert_repaired(
        "quoted-printable sec1",
        &eml,
        &s,
        &["quoted_printable_decoded", "sec1_converted"],
    );
    // An HTML e-mail, quoted-printable on top.
    let script = "m.set_content('<div>' + key.replace('\\n', '<br>\\n') + '</div>', subtype='html', cte='quoted-printable')";
    let eml = python_email(&apple, script).unwrap();
    assert_repaired(
        "html quoted-printable",
        &eml,
        &s,
        &["quoted_printable_decoded", "html_decoded"],
    );
}

#[test]
fn an_eml_with_the_key_attached_is_decoded() {
    let s = secret();
    let script = "m.set_content('Here it is.')\nm.add_attachment(key.encode(), maintype='application', subtype='octet-stream', filename='AuthKey_2X9R4HXF34.p8')";
    let Some(eml) = python_email(&apple_pem(&s), script) else {
        return;
    };
    assert_repaired("eml", &eml, &s, &["email_attachment_decoded"]);
    let eml = python_email(&crlf(&apple_pem(&s)), script).unwrap();
    assert_repaired(
        "eml of a crlf key",
        &crlf(&String::from_utf8(eml).unwrap()).into_bytes(),
        &s,
        &["email_attachment_decoded", "crlf_normalized"],
    );
    assert_repaired(
        "eml by hand",
        eml_attachment(&apple_pem(&s)).as_bytes(),
        &s,
        &["email_attachment_decoded"],
    );
}

#[test]
fn every_pure_rust_form_matches_the_original() {
    // The look-alikes the property tests and fuzz seeds use come out as the same key too.
    let s = secret();
    for (name, bytes) in forms(&apple_pem(&s)) {
        let (r, pem) = report(&bytes);
        assert!(r.ok, "{name}: {r:#?}");
        assert_eq!(pem, Some(apple_pem(&s)), "{name}");
    }
}

#[test]
fn text_that_only_looks_transported_keeps_the_key() {
    // A guard, not a repair: a "=3D" or a stray "<a" near a plain key must not cost the key
    // (SEC1's "==" padding before a line break would read as a quoted-printable soft break).
    let s = secret();
    let near_qp = format!("Set ASC_KEY=3D in the CI, then:\n{}", sec1_pem(&s));
    assert_repaired("=3D nearby", near_qp.as_bytes(), &s, &["sec1_converted"]);
    let near_tag = format!("x &#38; <a\n{}>\n", apple_pem(&s));
    let (r, pem) = report(near_tag.as_bytes());
    assert!(r.ok, "{r:#?}");
    assert_eq!(pem, Some(apple_pem(&s)));
}
