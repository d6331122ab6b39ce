//! Property tests over arbitrary bytes (invalid UTF-8, NUL, control bytes, long lines): whatever
//! the input, the check never panics and ends in exactly one of "usable, with the key" or "at least
//! one problem"; any stack of recoverable damage still yields the same key; the repairs are
//! idempotent on their output; and a key block among arbitrary text lines is still found.

use crate::support::keys;
use crate::support::wild;

use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::{check, CheckInput, Checked};
use keys::*;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::sync::OnceLock;

/// Usable with a key and fingerprint, or at least one `{code, message, hint}`: the fuzz targets'
/// check, so the two cannot drift apart.
use crate::support::targets::assert_consistent;

/// The canonical form of a usable key checks clean (no repair notes) as the same key.
fn assert_idempotent(c: &Checked) {
    if let Some(key) = &c.key {
        let again = check(CheckInput {
            bytes: key.canonical_pem().as_bytes(),
            ..Default::default()
        });
        assert!(
            again.report.ok && again.report.notes.is_empty(),
            "{:?}",
            again.report
        );
        assert_eq!(again.report.fingerprint, c.report.fingerprint);
    }
}

/// Bytes that reach deep into the repairs: key-file tokens mixed with arbitrary bytes, so the
/// text paths (PEM, JSON, escapes, quotes) are taken as well as the binary one.
fn key_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    const TOKENS: &[&[u8]] = &[
        b"-----BEGIN PRIVATE KEY-----",
        b"-----END PRIVATE KEY-----",
        b"-----BEGIN ",
        b"-----",
        b"EC PRIVATE KEY",
        b"\\n",
        b"\\r\\n",
        b"\\/",
        b"\r\n",
        b"\n",
        b"\"",
        b"'",
        b"{\"key\":\"",
        b"\"}",
        b"\xEF\xBB\xBF",
        "\u{200B}".as_bytes(),
        "\u{201C}".as_bytes(),
        b"MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEH",
        b"    ",
        b"\t",
        b"\0",
        b"\x30\x81\x93\x02\x01\x00",
        // Transport (issue 21 §6): UTF-16, RTF, HTML, e-mail, autocorrect.
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"{\\rtf1 ",
        b"\\par ",
        b"\\u8212-",
        b"\\'97",
        b"{\\*\\x ",
        b"}",
        b"<br>",
        b"<div>",
        b"</p>",
        b"<pre>",
        b"&#43;",
        b"&#x2F;",
        b"&nbsp;",
        b"=3D",
        b"=\n",
        b"> ",
        b">> ",
        b"Content-Transfer-Encoding: base64\n\n",
        b"Content-Transfer-Encoding: quoted-printable\n",
        b"--b\n",
        "\u{2014}\u{2013}".as_bytes(),
        "\u{00A0}".as_bytes(),
        "\u{00AD}".as_bytes(),
        "\u{2028}".as_bytes(),
        "\u{2018}".as_bytes(),
        b"PK\x03\x04",
        b"word/document.xml",
    ];
    let piece = prop_oneof![
        proptest::sample::select(TOKENS).prop_map(<[u8]>::to_vec),
        proptest::collection::vec(any::<u8>(), 1..16),
        // A very long line.
        (any::<u8>(), 100usize..3000).prop_map(|(b, n)| vec![b; n]),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// Text around a key block that the repairs promise to skip: any characters but control ones,
/// dashes (no second marker) and backslashes (no `\n` escapes), on lines of their own.
fn surrounding_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        8 => any::<char>().prop_filter("no control, dash or backslash", |c| !c.is_control() && !matches!(c, '-' | '\\')),
        1 => Just('\n'),
        1 => Just('\t'),
    ];
    proptest::collection::vec(c, 0..200).prop_map(String::from_iter)
}

struct Fixture {
    pems: Vec<String>,
    fingerprint: String,
}

/// One key in the forms mutations start from (generated once per run).
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let s = secret();
        let apple = apple_pem(&s);
        let fingerprint = check(CheckInput {
            bytes: apple.as_bytes(),
            ..Default::default()
        })
        .report
        .fingerprint
        .unwrap();
        Fixture {
            pems: vec![apple, openssl_style_pem(&s), sec1_pem(&s)],
            fingerprint,
        }
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..80).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let at = |i: usize, len: usize| i % len;
    match *m {
        Mutation::Flip(i, b) => {
            let i = at(i, bytes.len());
            bytes[i] ^= b | 1;
        }
        Mutation::Insert(i, b) => {
            let i = at(i, bytes.len() + 1);
            bytes.insert(i, b);
        }
        Mutation::Delete(i, n) => {
            let i = at(i, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Truncate(i) => bytes.truncate(at(i, bytes.len())),
        Mutation::Duplicate(i, n) => {
            let i = at(i, bytes.len());
            let end = (i + n).min(bytes.len());
            let piece = bytes[i..end].to_vec();
            bytes.splice(end..end, piece);
        }
    }
}

// The seeds of past failures are read from check_proptest.proptest-regressions beside this file:
// the default place, found from the suite's main.rs, would be tests/proptest-regressions/.
proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        assert_consistent(&check(CheckInput { bytes: &bytes, ..Default::default() }));
    }

    #[test]
    fn key_like_bytes_never_panic_and_repairs_are_idempotent(bytes in key_like_bytes()) {
        let c = check(CheckInput { bytes: &bytes, ..Default::default() });
        assert_consistent(&c);
        assert_idempotent(&c);
    }

    #[test]
    fn arbitrary_ids_and_file_names_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512),
                                                key_id in proptest::option::of(any::<String>()),
                                                issuer_id in proptest::option::of(any::<String>()),
                                                file_name in proptest::option::of(any::<String>()),
                                                individual in any::<bool>()) {
        let c = check(CheckInput {
            bytes: &bytes,
            key_id: key_id.as_deref(),
            issuer_id: issuer_id.as_deref(),
            file_name: file_name.as_deref(),
            kind: if individual { KeyKind::Individual } else { KeyKind::Team },
        });
        assert_consistent(&c);
    }

    #[test]
    fn mutated_keys_never_panic(form in 0usize..3, muts in proptest::collection::vec(mutation(), 1..6),
                                key_id in proptest::option::of(any::<String>()), file_name in proptest::option::of(any::<String>())) {
        let mut bytes = fixture().pems[form].clone().into_bytes();
        for m in &muts {
            apply(&mut bytes, m);
        }
        let c = check(CheckInput {
            bytes: &bytes,
            key_id: key_id.as_deref(),
            file_name: file_name.as_deref(),
            ..Default::default()
        });
        assert_consistent(&c);
        assert_idempotent(&c);
    }

    #[test]
    fn stacked_repairs_still_give_the_same_key(
        form in 0usize..3, width in proptest::option::of(16usize..130), indent in any::<bool>(),
        crlf_ in any::<bool>(), escaped in any::<bool>(), quote in any::<bool>(),
        b64 in any::<bool>(), bom_ in any::<bool>(),
    ) {
        let f = fixture();
        let mut text = f.pems[form].clone();
        if let Some(w) = width { text = rewrapped_at(&text, w); }
        if indent { text = indented(&text); }
        if crlf_ { text = crlf(&text); }
        if escaped { text = escaped_newlines(&text); }
        if quote { text = quoted(&text); }
        if b64 { text = base64_file(&text); }
        if bom_ { text = bom(&text); }
        let c = check(CheckInput { bytes: text.as_bytes(), ..Default::default() });
        prop_assert!(c.report.ok, "{:?}\n{text}", c.report);
        prop_assert_eq!(c.report.fingerprint.as_deref(), Some(f.fingerprint.as_str()));
        assert_idempotent(&c);
    }

    #[test]
    fn wild_forms_still_give_the_same_key(form in 0usize..3, transport in 0usize..11, width in proptest::option::of(16usize..130),
                                          crlf_ in any::<bool>(), outer in 0usize..3) {
        let f = fixture();
        let mut text = f.pems[form].clone();
        if let Some(w) = width { text = rewrapped_at(&text, w); }
        if crlf_ { text = crlf(&text); }
        let (name, mut bytes) = wild::forms(&text).swap_remove(transport);
        // A second layer on top: the whole thing UTF-16 encoded, or in an e-mail attachment.
        // (Not over UTF-16 itself: NULs are valid UTF-8, but nothing encodes twice like that.)
        if let Some(inner) = String::from_utf8(bytes.clone()).ok().filter(|t| !t.contains('\0')) {
            match outer {
                1 => bytes = wild::utf16(&inner, true, true),
                2 if !name.starts_with("eml") => bytes = wild::eml_attachment(&inner).into_bytes(),
                _ => {}
            }
        }
        let c = check(CheckInput { bytes: &bytes, ..Default::default() });
        prop_assert!(c.report.ok, "{name} (outer {outer}): {:?}\n{}", c.report, String::from_utf8_lossy(&bytes));
        prop_assert_eq!(c.report.fingerprint.as_deref(), Some(f.fingerprint.as_str()));
        assert_idempotent(&c);
    }

    #[test]
    fn a_key_block_among_arbitrary_text_is_found(form in 0usize..3, before in surrounding_text(), after in surrounding_text(), crlf_ in any::<bool>()) {
        let f = fixture();
        let mut text = format!("{before}\n{}{after}", f.pems[form]);
        if crlf_ { text = crlf(&text); }
        let c = check(CheckInput { bytes: text.as_bytes(), ..Default::default() });
        prop_assert!(c.report.ok, "{:?}\n{text:?}", c.report);
        prop_assert_eq!(c.report.fingerprint.as_deref(), Some(f.fingerprint.as_str()));
    }
}
