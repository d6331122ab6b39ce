//! The PEM block of a `.p8`: pick the one private key among the blocks, refuse the wrong kinds
//! (encrypted, RSA, public keys, certificates, SSH/PGP), check the markers, note what was
//! re-laid out, and decode the body (moved out of `repair.rs`, which calls it).

use super::found::{bad_base64, damaged_marker, decode_wiped, not_a_key, Found};
use super::parse::{self, Parsed};
use super::transit;
use crate::core::problem::Code;
use crate::core::wipe;
use crate::core::Problem;
use base64ct::Base64;

/// A PEM block: pick the one key, check its framing, decode its body.
pub(super) fn from_pem(text: &str, found: &mut Found) -> Result<Parsed, Problem> {
    let blocks = begin_markers(text)?;
    let keys: Vec<&Begin> = blocks
        .iter()
        .filter(|b| b.label.contains("PRIVATE KEY"))
        .collect();
    if keys.len() > 1 {
        return Err(Problem::new(
            Code::MultipleKeys,
            format!(
                "This file holds {} private keys; an App Store Connect key file holds exactly one.",
                keys.len()
            ),
            "Choose the AuthKey_XXXXXXXXXX.p8 file for the one key you want to use.",
        ));
    }
    let chosen =
        match keys.first() {
            Some(k) => *k,
            None => match blocks.iter().find(|b| b.label != "EC PARAMETERS") {
                Some(b) => b,
                None => return Err(not_a_key(
                    "This file holds only curve parameters, no key.",
                    "Choose the AuthKey_XXXXXXXXXX.p8 file you downloaded from App Store Connect.",
                )),
            },
        };

    // Decide by label first: these are wrong whatever their body holds.
    let label = chosen.label.as_str();
    match label {
        "ENCRYPTED PRIVATE KEY" => return Err(parse::encrypted()),
        "RSA PRIVATE KEY" => return Err(parse::rsa()),
        "PUBLIC KEY" | "RSA PUBLIC KEY" | "EC PUBLIC KEY" => return Err(parse::public_key()),
        "CERTIFICATE" | "TRUSTED CERTIFICATE" | "X509 CERTIFICATE" | "PKCS7" => return Err(parse::certificate()),
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            return Err(Problem::new(
                Code::CertificateNotKey,
                "This is a certificate signing request (a .certSigningRequest), not an API key.",
                "API keys are created in App Store Connect → Users and Access → Integrations; download the .p8 file there.",
            ))
        }
        "OPENSSH PRIVATE KEY" => return Err(parse::wrong_key_type("an SSH key")),
        "DSA PRIVATE KEY" => return Err(parse::wrong_key_type("a DSA key")),
        l if l.starts_with("PGP ") => return Err(parse::wrong_key_type("a PGP key")),
        _ => {}
    }

    let rest = &text[chosen.body_start..];
    let Some(end) = rest.find("-----END") else {
        return Err(Problem::new(
            Code::Truncated,
            "The key is cut off: it has a BEGIN line but no END line.",
            "Copy the whole file again, down to the “-----END PRIVATE KEY-----” line, or use the original .p8 file.",
        ));
    };
    let section = &rest[..end];
    if section.contains("-----BEGIN") {
        return Err(Problem::new(
            Code::Truncated,
            "The key is cut off: its END line is missing before the next block starts.",
            "Copy the whole key again, down to the “-----END PRIVATE KEY-----” line, or use the original .p8 file.",
        ));
    }
    if section
        .lines()
        .any(|l| l.contains("Proc-Type:") || l.contains("DEK-Info:"))
    {
        return Err(parse::encrypted());
    }
    if chosen.indented {
        found.note(
            Code::WhitespaceTrimmed,
            "Extra spaces, indentation or blank lines were removed.",
        );
    }
    note_layout(section, found);

    let body = wipe::filtered(section, |c| !c.is_whitespace());
    if body.is_empty() {
        return Err(Problem::new(
            Code::Truncated,
            "The key is empty: there is nothing between its BEGIN and END lines.",
            "Use the original .p8 file as downloaded from App Store Connect.",
        ));
    }
    if !body.is_ascii() {
        return Err(transit::autocorrected());
    }
    let der = decode_wiped::<Base64>(&body).ok_or_else(bad_base64)?;
    parse::parse_der(&der)
}

struct Begin {
    label: String,
    /// Byte offset just after `-----BEGIN <label>-----`.
    body_start: usize,
    /// Spaces or tabs before the BEGIN marker on its line.
    indented: bool,
}

fn begin_markers(text: &str) -> Result<Vec<Begin>, Problem> {
    const OPEN: &str = "-----BEGIN ";
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find(OPEN) {
        let start = from + pos;
        let after = start + OPEN.len();
        let Some(close) = text[after..].find("-----") else {
            return Err(damaged_marker());
        };
        let label = &text[after..after + close];
        if label.contains('\n') || label.len() > 64 {
            return Err(damaged_marker());
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &text[line_start..start];
        out.push(Begin {
            label: label.trim().to_owned(),
            body_start: after + close + 5,
            indented: !prefix.is_empty() && prefix.chars().all(|c| c == ' ' || c == '\t'),
        });
        from = after + close + 5;
    }
    Ok(out)
}

/// Compare the body's layout with Apple's (lines of 64, markers on their own
/// lines) and note what had to be fixed.
pub(super) fn note_layout(section: &str, found: &mut Found) {
    const REWRAPPED: &str =
        "The key's text was re-wrapped into the standard lines of 64 characters.";
    const TRIMMED: &str = "Extra spaces, indentation or blank lines were removed.";
    if !section.contains('\n') {
        found.note(Code::Rewrapped, REWRAPPED);
        return;
    }
    let lines: Vec<&str> = section.split('\n').collect();
    let (first, last) = (lines[0], lines[lines.len() - 1]);
    let mut rewrapped = false;
    let mut trimmed = false;
    for edge in [first, last] {
        if !edge.trim().is_empty() {
            rewrapped = true; // body text on the BEGIN or END line
        } else if !edge.is_empty() {
            trimmed = true; // trailing spaces after BEGIN, indentation before END
        }
    }
    let middle = &lines[1..lines.len().saturating_sub(1).max(1)];
    let mut widths = Vec::new();
    for line in middle {
        let t = line.trim();
        if t.is_empty() || t != *line {
            trimmed = true;
        }
        if t.contains(char::is_whitespace) {
            rewrapped = true;
        }
        if !t.is_empty() {
            widths.push(t.len());
        }
    }
    if let Some((last_width, full)) = widths.split_last() {
        if full.iter().any(|w| *w != 64) || *last_width > 64 {
            rewrapped = true;
        }
    }
    if rewrapped {
        found.note(Code::Rewrapped, REWRAPPED);
    }
    if trimmed {
        found.note(Code::WhitespaceTrimmed, TRIMMED);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(found: &Found) -> Vec<&str> {
        found.notes.iter().map(|n| n.code.as_str()).collect()
    }

    #[test]
    fn layout_notes() {
        let mut f = Found::default();
        note_layout(
            &format!("\n{}\n{}\n", "A".repeat(64), "A".repeat(8)),
            &mut f,
        );
        assert!(codes(&f).is_empty());
        let mut f = Found::default();
        note_layout(&format!(" {} ", "A".repeat(72)), &mut f);
        assert_eq!(codes(&f), ["rewrapped"]);
        let mut f = Found::default();
        note_layout(
            &format!("\n  {}\n\n  {}\n  ", "A".repeat(64), "A".repeat(8)),
            &mut f,
        );
        assert_eq!(codes(&f), ["whitespace_trimmed"]);
        let mut f = Found::default();
        note_layout(
            &format!("\n{}\n{}\n", "A".repeat(76), "A".repeat(8)),
            &mut f,
        );
        assert_eq!(codes(&f), ["rewrapped"]);
    }
}
