//! How a key travelled, judged from its bytes and the repairs' notes: UTF-16 from Windows tools, a word-processor document, and the problem that blames a damaged key on the way it came.

use crate::core::problem::Code;
use crate::core::{Note, Problem};
use zeroize::Zeroizing;
/// `bytes` as UTF-16 (Windows PowerShell 5's `>` and `Out-File`, "Unicode" in Notepad): with a
/// byte order mark, or without one when the NUL bytes show the ASCII pattern. `None`: not UTF-16.
pub(super) fn utf16(bytes: &[u8]) -> Option<Result<Zeroizing<String>, Problem>> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => {
            let pairs = bytes.len() / 2;
            if pairs < 8 || !bytes.len().is_multiple_of(2) {
                return None;
            }
            // ASCII text in UTF-16: one byte of each pair is NUL, the other is not.
            let ascii = |hi: usize| {
                bytes
                    .chunks_exact(2)
                    .filter(|p| p[hi] == 0 && p[1 - hi] != 0)
                    .count()
            };
            if ascii(1) * 10 >= pairs * 9 {
                (true, bytes)
            } else if ascii(0) * 10 >= pairs * 9 {
                (false, bytes)
            } else {
                return None;
            }
        }
    };
    if !body.len().is_multiple_of(2) {
        return Some(Err(damaged(Transport::Utf16)));
    }
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    // At most 3 UTF-8 bytes per UTF-16 unit: the buffer never grows (and so never leaves a copy).
    let mut out = Zeroizing::new(String::with_capacity(body.len() / 2 * 3));
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => out.push(c),
            Err(_) => return Some(Err(damaged(Transport::Utf16))),
        }
    }
    Some(Ok(out))
}

/// A Word `.docx` or OpenDocument `.odt`: a ZIP whose text is XML, never a key file.
pub(super) fn word_document(bytes: &[u8]) -> Option<Problem> {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    (bytes.starts_with(b"PK\x03\x04") && (has(b"word/document.xml") || has(b"opendocument.text"))).then(|| {
        Problem::new(
            Code::WordDocument,
            "This is a word-processor document (Word .docx or OpenDocument .odt), not a key file.",
            "Use the original AuthKey_XXXXXXXXXX.p8; or open the document, copy the key's text into a plain-text editor (Notepad, TextEdit in plain-text mode) and save it as a .p8 file.",
        )
    })
}

/// The way a key travelled, as told by the repairs' notes: what a damaged key is blamed on.
#[derive(Clone, Copy)]
pub(super) enum Transport {
    Utf16,
    WordProcessor,
    Mail,
}

/// The key came through `transport` and is damaged: say so, instead of a bare `bad_base64`.
pub(super) fn damaged(transport: Transport) -> Problem {
    let (message, hint) = match transport {
        Transport::Utf16 => (
            "This file was saved as UTF-16 text (as Windows PowerShell 5 writes with > or Out-File) and is damaged: part of it is missing.",
            "Use the original .p8 file; to copy it in PowerShell, use Copy-Item, or Set-Content -Encoding ascii instead of >.",
        ),
        Transport::WordProcessor => (
            "The key passed through a word processor or rich-text editor, which changed or dropped part of it.",
            "Use the original .p8 file; to copy the key, open it in a plain-text editor (Notepad, TextEdit in plain-text mode).",
        ),
        Transport::Mail => (
            "The key was copied from an e-mail or a web page, and part of it was lost or changed on the way.",
            "Use the .p8 file itself (for an e-mail, save its attachment) instead of text copied from the message or page.",
        ),
    };
    Problem::new(Code::DamagedInTransit, message, hint)
}

/// A damaged key (`bad_base64`, `bad_der`) after a transport repair: blame the transport.
pub(super) fn blame(problem: Problem, notes: &[Note]) -> Problem {
    if !matches!(problem.code, Code::BadBase64 | Code::BadDer) {
        return problem;
    }
    let transport = notes.iter().find_map(|n| match n.code {
        Code::Utf16Decoded => Some(Transport::Utf16),
        Code::RtfDecoded | Code::DashesRestored | Code::InvisibleCharactersRemoved => {
            Some(Transport::WordProcessor)
        }
        Code::HtmlDecoded
        | Code::EmailQuotesRemoved
        | Code::QuotedPrintableDecoded
        | Code::EmailAttachmentDecoded => Some(Transport::Mail),
        _ => None,
    });
    transport.map_or(problem, damaged)
}

/// Typographic characters inside the key's body: autocorrect replaced key characters, and
/// which ones cannot be known, so nothing is guessed.
pub(super) fn autocorrected() -> Problem {
    Problem::new(
        Code::AutocorrectedKey,
        "The key's text holds typographic characters (such as “–”, “½” or curly quotes) that autocorrect put in place of some of its characters.",
        "Copy the key again from the original .p8 file with a plain-text editor (Notepad, TextEdit in plain-text mode), not a word processor or chat app.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_is_told_by_its_mark_or_its_nuls() {
        let le: Vec<u8> = "-----BEGIN KEY-----"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(utf16(&le).unwrap().unwrap().as_str(), "-----BEGIN KEY-----");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("ab".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(utf16(&be).unwrap().unwrap().as_str(), "ab");
        assert!(utf16(b"plain ASCII text, long enough").is_none());
        assert_eq!(
            utf16(&[0xFF, 0xFE, 0x41]).unwrap().unwrap_err().code,
            Code::DamagedInTransit
        );
        assert_eq!(
            utf16(&[0xFF, 0xFE, 0x00, 0xD8]).unwrap().unwrap_err().code,
            Code::DamagedInTransit
        );
    }
}
