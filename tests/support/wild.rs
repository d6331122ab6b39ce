//! Keys as the wild hands them over, made at test time: the real tools where they exist here (iconv, pandoc, Python's `email` library) for tests/suite/check_wild.rs, and pure-Rust look-alikes of the same forms for the property tests and fuzz seeds, which cannot spawn a process per case.
//!
//! The `suite` binary has it as `crate::support::wild` (`support/mod.rs`); a test binary of its own
//! includes it with `#[path = "support/wild.rs"] mod wild;`.

use asc_key_wizard::test_rule::strict;
use std::io::Write;
use std::process::{Command, Stdio};

// ------------------------------------------------------------- the real tools

/// `program args…` fed `input` on stdin: its stdout. `None` (after saying why) when the tool is
/// missing and the full run was not requested; a failing tool always panics.
pub fn tool(program: &str, args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(_) if !strict() => {
            eprintln!("SKIPPED: `{program}` not found; install it (scripts/setup-linux.sh) to run this case");
            return None;
        }
        Err(e) => panic!("`{program}` is required (CI or ASC_WIZARD_FULL_TESTS is set): {e}"),
    };
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

/// `iconv -f UTF-8 -t <to>`.
pub fn iconv(text: &str, to: &str) -> Option<Vec<u8>> {
    tool("iconv", &["-f", "UTF-8", "-t", to], text.as_bytes())
}

/// `pandoc -f <from> -t <to> <extra…>` of `input`.
pub fn pandoc(input: &str, from: &str, to: &str, extra: &[&str]) -> Option<Vec<u8>> {
    let mut args = vec!["-f", from, "-t", to];
    args.extend_from_slice(extra);
    if to == "docx" || to == "odt" {
        args.extend_from_slice(&["-o", "-"]);
    }
    tool("pandoc", &args, input.as_bytes())
}

/// A saved e-mail (`.eml`) made by Python's `email` library: `script` builds `m` (an
/// `EmailMessage`) from `key` (the key file's text); the message is printed.
pub fn python_email(key: &str, script: &str) -> Option<Vec<u8>> {
    let program = format!(
        "import sys\nfrom email.message import EmailMessage\nkey = sys.stdin.read()\nm = EmailMessage()\nm['Subject'] = 'The key'\nm['From'] = 'dev@example.com'\n{script}\nsys.stdout.write(m.as_string())\n"
    );
    tool("python3", &["-c", &program], key.as_bytes())
}

// ------------------------------------------------------- pure-Rust look-alikes

/// UTF-16 with or without a byte order mark, as PowerShell 5 and iconv write it.
pub fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let units = if bom { "\u{feff}" } else { "" }
        .encode_utf16()
        .chain(text.encode_utf16());
    units
        .flat_map(|u| {
            if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            }
        })
        .collect()
}

/// A minimal RTF document (WordPad, TextEdit): a font table, then one `\par` per line.
pub fn rtf(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    format!(
        "{{\\rtf1\\ansi\\deff0{{\\fonttbl{{\\f0\\fmodern Courier New;}}}}\n\\f0\\fs20 {}\\par\n}}",
        lines.join("\\par\n")
    )
}

/// An HTML e-mail body: one `<div>` per line, `+` and `/` written as entities.
pub fn html_divs(text: &str) -> String {
    let line = |l: &str| {
        format!(
            "<div>{}</div>",
            l.replace('+', "&#43;").replace('/', "&#x2F;")
        )
    };
    format!(
        "<html><body>{}</body></html>\n",
        text.lines().map(line).collect::<String>()
    )
}

/// Quoted-printable: `=` as `=3D`, lines over 76 characters soft-broken with `=`.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let encoded = line.replace('=', "=3D");
        let chars: Vec<char> = encoded.chars().collect();
        for (i, chunk) in chars.chunks(75).enumerate() {
            if i > 0 {
                out.push_str("=\n");
            }
            out.extend(chunk);
        }
        out.push('\n');
    }
    out.pop();
    out
}

/// Each line quoted `depth` times for a reply (`> `, `>> `).
pub fn reply_quoted(text: &str, depth: usize) -> String {
    let prefix = format!("{} ", ">".repeat(depth));
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}

/// What a word processor does on paste: marker dashes autocorrected to “—–”, a no-break space
/// and a zero-width space at line ends, a soft hyphen inside the body.
pub fn autocorrected(text: &str) -> String {
    let dashed = text.replace("-----", "—–");
    let mut out = String::new();
    for (i, line) in dashed.lines().enumerate() {
        match i {
            1 => out.push_str(&format!("{}\u{00AD}{}\u{00A0}\n", &line[..10], &line[10..])),
            2 => out.push_str(&format!("{line}\u{200B}\u{2028}")),
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

/// A saved e-mail with the key file attached (base64, lines of 76).
pub fn eml_attachment(key: &str) -> String {
    use base64ct::{Base64, Encoding};
    let b64 = Base64::encode_string(key.as_bytes());
    let body: Vec<String> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    format!(
        "MIME-Version: 1.0\nSubject: The key\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nHere it is.\n\n--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"AuthKey_2X9R4HXF34.p8\"\n\n{}\n\n--b1--\n",
        body.join("\n")
    )
}

/// Every pure-Rust transport form of `pem`, named: for property tests and fuzz seeds.
pub fn forms(pem: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "utf-16le bom crlf",
            utf16(&pem.replace('\n', "\r\n"), true, true),
        ),
        ("utf-16be bom", utf16(pem, false, true)),
        ("utf-16le no bom", utf16(pem, true, false)),
        ("rtf", rtf(pem).into_bytes()),
        ("html divs", html_divs(pem).into_bytes()),
        (
            "quoted-printable",
            format!(
                "Content-Transfer-Encoding: quoted-printable\n\n{}",
                quoted_printable(&pem.replace('\n', " "))
            )
            .into_bytes(),
        ),
        ("reply quoted", reply_quoted(pem, 2).into_bytes()),
        ("autocorrected", autocorrected(pem).into_bytes()),
        ("eml attachment", eml_attachment(pem).into_bytes()),
        ("rtf of html", rtf(&html_divs(pem)).into_bytes()),
        (
            "quoted html reply",
            reply_quoted(&html_divs(pem), 1).into_bytes(),
        ),
    ]
}
