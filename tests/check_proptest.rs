//! Property tests: whatever the input, the check never panics and always
//! ends in exactly one of "usable, with the key" or "at least one problem";
//! and any stack of recoverable damage still yields the same key.

#[path = "support/keys.rs"]
mod keys;

use asc_key_wizard::core::key::{check, CheckInput, Checked};
use keys::*;
use proptest::prelude::*;
use std::sync::OnceLock;

fn assert_consistent(c: &Checked) {
    let r = &c.report;
    assert_eq!(c.key.is_some(), r.ok, "key iff ok: {r:?}");
    if r.ok {
        assert!(r.problems.is_empty(), "{r:?}");
        assert!(r.fingerprint.is_some(), "{r:?}");
    } else {
        assert!(!r.problems.is_empty(), "not ok needs a problem: {r:?}");
    }
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        assert_consistent(&check(CheckInput { bytes: &bytes, ..Default::default() }));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[-A-Za-z0-9+/=\\\\n\" {}:\r\n]{0,400}") {
        assert_consistent(&check(CheckInput { bytes: text.as_bytes(), ..Default::default() }));
    }

    #[test]
    fn mutated_keys_never_panic(form in 0usize..3, muts in proptest::collection::vec(mutation(), 1..6),
                                key_id in proptest::option::of("[ -~]{0,14}"), file_name in proptest::option::of("[ -~]{0,30}")) {
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
        if let Some(fp) = &c.report.fingerprint {
            prop_assert!(fp.starts_with("sha256:") && fp.len() == 71);
        }
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
    }
}
