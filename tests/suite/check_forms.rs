//! Every input form and every kind of damage, through the library API, each
//! asserting the exact note / problem / warning codes. Keys come from p256 +
//! OsRng (tests/support/keys.rs) and, for foreign keys, from the openssl CLI.

use crate::support::keys;

use asc_key_wizard::core::key::{check, CheckInput, MAX_INPUT_BYTES};
use keys::*;
use p256::SecretKey;
use std::collections::BTreeSet;

/// Every code the offline check can produce (issue 2 §2 plus the ID notes
/// and warnings). `every_code_is_produced_by_some_case` keeps this honest.
const NOTE_CODES: &[&str] = &[
    "bom_removed",
    "crlf_normalized",
    "escaped_newlines",
    "quotes_removed",
    "whitespace_trimmed",
    "rewrapped",
    "body_only_wrapped",
    "base64_file_decoded",
    "sec1_converted",
    "der_converted",
    "fastlane_json",
    "public_key_derived",
    "key_id_normalized",
    "issuer_id_normalized",
    // The rest of issue 21 §6's transport notes are produced in tests/suite/check_wild.rs.
    "invisible_characters_removed",
];
const PROBLEM_CODES: &[&str] = &[
    "empty",
    "too_large",
    "not_a_key",
    "truncated",
    "bad_base64",
    "bad_der",
    "multiple_keys",
    "encrypted_key",
    "public_key_not_private",
    "certificate_not_key",
    "pkcs12_not_key",
    "rsa_key",
    "wrong_key_type",
    "wrong_curve",
    "invalid_scalar",
    "public_key_mismatch",
    "key_id_format",
    "issuer_id_format",
];
const WARNING_CODES: &[&str] = &[
    "key_id_mismatch",
    "issuer_id_mismatch",
    "subscription_key",
    "key_id_format",
];

struct Case {
    name: String,
    bytes: Vec<u8>,
    file_name: Option<&'static str>,
    key_id: Option<&'static str>,
    issuer_id: Option<&'static str>,
    notes: Vec<&'static str>,
    problems: Vec<&'static str>,
    warnings: Vec<&'static str>,
    /// When usable: the key it must come out as (canonical PEM compared).
    secret: Option<SecretKey>,
}

fn case(name: &str, bytes: impl Into<Vec<u8>>) -> Case {
    Case {
        name: name.into(),
        bytes: bytes.into(),
        file_name: None,
        key_id: None,
        issuer_id: None,
        notes: vec![],
        problems: vec![],
        warnings: vec![],
        secret: None,
    }
}

impl Case {
    fn notes(mut self, n: &[&'static str]) -> Self {
        self.notes = n.to_vec();
        self
    }
    fn problems(mut self, p: &[&'static str]) -> Self {
        self.problems = p.to_vec();
        self
    }
    fn warnings(mut self, w: &[&'static str]) -> Self {
        self.warnings = w.to_vec();
        self
    }
    fn key(mut self, s: &SecretKey) -> Self {
        self.secret = Some(s.clone());
        self
    }
    fn name_file(mut self, f: &'static str) -> Self {
        self.file_name = Some(f);
        self
    }
    fn ids(mut self, key_id: Option<&'static str>, issuer_id: Option<&'static str>) -> Self {
        self.key_id = key_id;
        self.issuer_id = issuer_id;
        self
    }
}

fn sorted(v: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    let mut v: Vec<String> = v.into_iter().map(Into::into).collect();
    v.sort();
    v
}

/// Run one case; returns every code it produced.
fn run(c: &Case) -> Vec<String> {
    let checked = check(CheckInput {
        bytes: &c.bytes,
        file_name: c.file_name,
        key_id: c.key_id,
        issuer_id: c.issuer_id,
        ..Default::default()
    });
    let r = &checked.report;
    let notes = sorted(r.notes.iter().map(|n| n.code));
    let problems = sorted(r.problems.iter().map(|p| p.code));
    let warnings = sorted(r.warnings.iter().map(|w| w.code));
    assert_eq!(
        notes,
        sorted(c.notes.iter().copied()),
        "{}: notes {r:#?}",
        c.name
    );
    assert_eq!(
        problems,
        sorted(c.problems.iter().copied()),
        "{}: problems {r:#?}",
        c.name
    );
    assert_eq!(
        warnings,
        sorted(c.warnings.iter().copied()),
        "{}: warnings {r:#?}",
        c.name
    );
    assert_eq!(r.ok, c.problems.is_empty(), "{}: ok {r:#?}", c.name);
    assert_eq!(checked.key.is_some(), r.ok, "{}: key iff ok", c.name);
    for p in r.problems.iter().chain(&r.warnings) {
        assert!(
            !p.message.is_empty() && !p.hint.is_empty(),
            "{}: {p:?}",
            c.name
        );
        assert!(
            !p.message.contains('\n') && !p.hint.contains('\n'),
            "{}: one line each: {p:?}",
            c.name
        );
    }
    if let (Some(key), Some(secret)) = (&checked.key, &c.secret) {
        // Whatever the damage, the key comes out in Apple's exact form.
        assert_eq!(
            key.canonical_pem(),
            apple_pem(secret),
            "{}: canonical form",
            c.name
        );
        assert_eq!(
            r.fingerprint.as_deref(),
            Some(key.fingerprint()),
            "{}",
            c.name
        );
    }
    // The report never carries key material.
    let json = serde_json::to_string(r).unwrap();
    if let Some(secret) = &c.secret {
        let b = body(&apple_pem(secret));
        assert!(
            !json.contains(&b[48..90]),
            "{}: key material in the report",
            c.name
        );
    }
    notes.into_iter().chain(problems).chain(warnings).collect()
}

fn cases() -> Vec<Case> {
    let s = secret();
    let apple = apple_pem(&s);
    let other = secret();
    let mut v = vec![
        // Clean forms.
        case("apple", apple.clone()).key(&s),
        case("openssl style", openssl_style_pem(&s)).key(&s),
        // Repairs.
        case("crlf", crlf(&apple)).notes(&["crlf_normalized"]).key(&s),
        case("bom", bom(&apple)).notes(&["bom_removed"]).key(&s),
        case("bom crlf", bom(&crlf(&apple))).notes(&["bom_removed", "crlf_normalized"]).key(&s),
        case("escaped newlines", escaped_newlines(&apple)).notes(&["escaped_newlines"]).key(&s),
        case("quoted", quoted(&apple)).notes(&["quotes_removed"]).key(&s),
        case("json string", quoted(&escaped_newlines(&apple))).notes(&["quotes_removed", "escaped_newlines"]).key(&s),
        case("single quotes", format!("'{}'", apple.trim_end())).notes(&["quotes_removed"]).key(&s),
        case("yaml indented", indented(&apple)).notes(&["whitespace_trimmed"]).key(&s),
        case("trailing blank lines", format!("{apple}\n\n")).notes(&["whitespace_trimmed"]).key(&s),
        case("one-line body", one_line_body(&apple)).notes(&["rewrapped"]).key(&s),
        case("spaces for newlines", spaces_for_newlines(&apple)).notes(&["rewrapped"]).key(&s),
        case("76 columns", rewrapped_at(&apple, 76)).notes(&["rewrapped"]).key(&s),
        case("body only", body_only(&apple)).notes(&["body_only_wrapped"]).key(&s),
        case("body only, wrapped", rewrapped_at(&apple, 64).lines().filter(|l| !l.starts_with("---")).collect::<Vec<_>>().join("\n"))
            .notes(&["body_only_wrapped"])
            .key(&s),
        case("base64 file", base64_file(&apple)).notes(&["base64_file_decoded"]).key(&s),
        case("base64 file of a crlf file", base64_file(&crlf(&apple)))
            .notes(&["base64_file_decoded", "crlf_normalized"])
            .key(&s),
        case("sec1", sec1_pem(&s)).notes(&["sec1_converted"]).key(&s),
        case("sec1 labelled PRIVATE KEY", pem("PRIVATE KEY", &sec1_der(&s))).notes(&["sec1_converted"]).key(&s),
        case("der", apple_der(&s)).notes(&["der_converted"]).key(&s),
        case("sec1 der", sec1_der(&s)).notes(&["der_converted", "sec1_converted"]).key(&s),
        case("no public key", pem("PRIVATE KEY", &no_public_der(&s))).notes(&["public_key_derived"]).key(&s),
        case("env file line", format!("ASC_PRIVATE_KEY=\"{}\"\n", escaped_newlines(&apple)))
            .notes(&["escaped_newlines"])
            .key(&s),
        case("openssl bag attributes", format!("Bag Attributes\n    localKeyID: 01 02\n{apple}")).key(&s),
        case("curve parameters block first", format!("{}{apple}", pem("EC PARAMETERS", &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07])))
            .key(&s),
        case("windows yaml quoted crlf", format!("  \"{}\"\r\n", crlf(&apple).trim_end()))
            .notes(&["crlf_normalized", "quotes_removed", "whitespace_trimmed"])
            .key(&s),
        case("zero-width spaces", apple.replacen('\n', "\u{200B}\n", 3)).notes(&["invisible_characters_removed"]).key(&s),
        case("php json string", quoted(&escaped_newlines(&apple)).replace('/', "\\/"))
            .notes(&["quotes_removed", "escaped_newlines"])
            .key(&s),
        case("saved as .p8.txt", apple.clone()).name_file("AuthKey_2X9R4HXF34.p8.txt").key(&s),
        // fastlane api_key.json.
        case("fastlane json", fastlane_json(&apple, Some(KEY_ID), Some(ISSUER_ID))).notes(&["fastlane_json"]).key(&s),
        case("fastlane json, base64 key", fastlane_json(&base64_file(&crlf(&apple)), Some(KEY_ID), None))
            .notes(&["fastlane_json", "base64_file_decoded", "crlf_normalized"])
            .key(&s),
        case("fastlane json, given ids win", fastlane_json(&apple, Some("AAAAAAAAAA"), Some("00000000-0000-0000-0000-000000000000")))
            .ids(Some(KEY_ID), Some(ISSUER_ID))
            .notes(&["fastlane_json"])
            .warnings(&["key_id_mismatch", "issuer_id_mismatch"])
            .key(&s),
        case("fastlane json without key", r#"{"key_id":"2X9R4HXF34"}"#).problems(&["not_a_key"]),
        case("fastlane json pointing to a file", r#"{"key_id":"2X9R4HXF34","key_filepath":"./AuthKey_2X9R4HXF34.p8"}"#)
            .problems(&["not_a_key"]),
        case("fastlane json with empty key", fastlane_json("", Some(KEY_ID), None)).notes(&["fastlane_json"]).problems(&["empty"]),
        case("fastlane json with a bad key id", fastlane_json(&apple, Some("short"), None))
            .notes(&["fastlane_json"])
            .warnings(&["key_id_format"])
            .key(&s),
        // IDs.
        case("ids normalised", apple.clone())
            .ids(Some(" \"2x9r4hxf34\" "), Some("57246542-96FE-1A63-E053-0824D011072A"))
            .notes(&["key_id_normalized", "issuer_id_normalized"])
            .key(&s),
        case("file name vs given key id", apple.clone())
            .name_file("AuthKey_AAAAAAAAAA.p8")
            .ids(Some(KEY_ID), None)
            .warnings(&["key_id_mismatch"])
            .key(&s),
        case("subscription key", apple.clone()).name_file("SubscriptionKey_AAAAAAAAAA.p8").warnings(&["subscription_key"]).key(&s),
        case("odd file name", apple.clone()).name_file("AuthKey_ABC.p8").warnings(&["key_id_format"]).key(&s),
        case("bad given key id", apple.clone()).ids(Some("ABC"), None).problems(&["key_id_format"]),
        case("issuer id as key id", apple.clone()).ids(Some(ISSUER_ID), None).problems(&["key_id_format"]),
        case("bad given issuer id", apple.clone()).ids(None, Some("not-an-issuer")).problems(&["issuer_id_format"]),
        // Problems.
        case("empty", "").problems(&["empty"]),
        case("whitespace", " \r\n\t\n").notes(&[]).problems(&["empty"]),
        case("too large", vec![b'A'; MAX_INPUT_BYTES + 1]).problems(&["too_large"]),
        case("binary junk", vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3]).problems(&["not_a_key"]),
        case("text", "Dear merchant, here is your key.\n").problems(&["not_a_key"]),
        case("a key id", "2X9R4HXF34").problems(&["not_a_key"]),
        case("truncated", truncated(&apple)).problems(&["truncated"]),
        case("bad base64", bad_base64(&apple)).problems(&["bad_base64"]),
        case("lost line", lost_line(&apple)).problems(&["bad_der"]),
        case("der junk", vec![0x30, 0x03, 0x02, 0x01, 0x07]).problems(&["bad_der"]),
        case("two keys", format!("{apple}{}", openssl_style_pem(&other))).problems(&["multiple_keys"]),
        case("encrypted pem", pem("ENCRYPTED PRIVATE KEY", &encrypted_der())).problems(&["encrypted_key"]),
        case("encrypted der", encrypted_der()).problems(&["encrypted_key"]),
        case(
            "legacy encrypted",
            "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n",
        )
        .problems(&["encrypted_key"]),
        case("public key pem", public_key_pem(&s)).problems(&["public_key_not_private"]),
        case("public key der", public_key_der(&s)).problems(&["public_key_not_private"]),
        case("certificate pem", pem("CERTIFICATE", &[0x30, 0x00])).problems(&["certificate_not_key"]),
        case("pkcs12", pkcs12_der()).problems(&["pkcs12_not_key"]),
        case("rsa pkcs8", pem("PRIVATE KEY", &rsa_pkcs8_der())).problems(&["rsa_key"]),
        case("rsa traditional", pem("RSA PRIVATE KEY", &[0x30, 0x00])).problems(&["rsa_key"]),
        case("ed25519", pem("PRIVATE KEY", &ed25519_der())).problems(&["wrong_key_type"]),
        case("openssh", pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\0")).problems(&["wrong_key_type"]),
        case("p-384", pem("PRIVATE KEY", &p384_der())).problems(&["wrong_curve"]),
        case("zero scalar", pem("PRIVATE KEY", &scalar_der(&[0; 32]))).problems(&["invalid_scalar"]),
        case("scalar = n", pem("PRIVATE KEY", &scalar_der(&P256_ORDER))).problems(&["invalid_scalar"]),
        case("public key mismatch", pem("PRIVATE KEY", &mismatched_der(&s))).problems(&["public_key_mismatch"]),
    ];
    // An ID problem adds to a key problem; it does not hide it.
    v.push(
        case("two problems", "")
            .ids(Some("ABC"), None)
            .problems(&["empty", "key_id_format"]),
    );
    v
}

#[test]
fn every_form_gives_exactly_its_codes() {
    for c in cases() {
        run(&c);
    }
}

#[test]
fn every_code_is_produced_by_some_case() {
    let mut seen = BTreeSet::new();
    for c in cases() {
        seen.extend(run(&c));
    }
    let listed: BTreeSet<String> = NOTE_CODES
        .iter()
        .chain(PROBLEM_CODES)
        .chain(WARNING_CODES)
        .map(|s| s.to_string())
        .collect();
    let missing: Vec<_> = listed.difference(&seen).collect();
    assert!(missing.is_empty(), "codes no case produces: {missing:?}");
    let unlisted: Vec<_> = seen.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "codes produced but not listed (add them to docs/codes.md too): {unlisted:?}"
    );
}

#[test]
fn every_listed_code_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/codes.md")).unwrap();
    for code in NOTE_CODES.iter().chain(PROBLEM_CODES).chain(WARNING_CODES) {
        assert!(
            doc.contains(&format!("`{code}`")),
            "docs/codes.md does not explain `{code}`"
        );
    }
}

#[test]
fn ids_come_from_json_and_file_name() {
    let s = secret();
    let c = check(CheckInput {
        bytes: fastlane_json(&apple_pem(&s), Some("2x9r4hxf34"), Some(ISSUER_ID)).as_bytes(),
        ..Default::default()
    });
    assert!(c.report.ok);
    assert_eq!(c.report.key_id.as_deref(), Some(KEY_ID));
    assert_eq!(c.report.issuer_id.as_deref(), Some(ISSUER_ID));

    let pem = apple_pem(&s);
    let c = check(CheckInput {
        bytes: pem.as_bytes(),
        file_name: Some("AuthKey_2X9R4HXF34 (1).p8"),
        ..Default::default()
    });
    assert_eq!(c.report.key_id.as_deref(), Some(KEY_ID));
    assert!(c.report.warnings.is_empty());

    let c = check(CheckInput {
        bytes: pem.as_bytes(),
        key_id: Some("AAAAAAAAAA"),
        ..Default::default()
    });
    assert_eq!(c.report.key_id.as_deref(), Some("AAAAAAAAAA"));
}

#[test]
fn wrong_curve_names_the_curve() {
    let c = check(CheckInput {
        bytes: pem("PRIVATE KEY", &p384_der()).as_bytes(),
        ..Default::default()
    });
    assert!(
        c.report.problems[0].message.contains("P-384"),
        "{:?}",
        c.report.problems
    );
}

// ------------------------------------------------------------ OpenSSL keys

/// Check a file OpenSSL made and compare the codes.
fn openssl_case(
    o: &Openssl,
    file: &str,
    notes: &[&str],
    problems: &[&str],
) -> asc_key_wizard::core::key::Checked {
    let bytes = o.read(file);
    let c = check(CheckInput {
        bytes: &bytes,
        file_name: Some(file),
        ..Default::default()
    });
    let r = &c.report;
    assert_eq!(
        sorted(r.notes.iter().map(|n| n.code)),
        sorted(notes.iter().copied()),
        "{file}: {r:#?}"
    );
    assert_eq!(
        sorted(r.problems.iter().map(|p| p.code)),
        sorted(problems.iter().copied()),
        "{file}: {r:#?}"
    );
    assert_eq!(r.ok, problems.is_empty(), "{file}");
    c
}

/// SHA-256 over the SPKI DER, the way OpenSSL computes it.
fn openssl_fingerprint(o: &Openssl, key_file: &str) -> String {
    o.run(&[
        "pkey", "-in", key_file, "-pubout", "-outform", "DER", "-out", "spki.der",
    ]);
    use sha2::Digest;
    let digest = sha2::Sha256::digest(o.read("spki.der"));
    format!(
        "sha256:{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

#[test]
fn openssl_p256_keys_in_every_form() {
    let Some(o) = Openssl::new() else { return };
    o.run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "AuthKey_2X9R4HXF34.p8",
    ]);
    let c = openssl_case(&o, "AuthKey_2X9R4HXF34.p8", &[], &[]);
    assert_eq!(c.report.key_id.as_deref(), Some(KEY_ID));
    let fp = openssl_fingerprint(&o, "AuthKey_2X9R4HXF34.p8");
    assert_eq!(c.report.fingerprint.as_deref(), Some(fp.as_str()));

    // Our canonical PEM is a key OpenSSL reads back as the same key.
    std::fs::write(
        o.path("canonical.p8"),
        c.key.as_ref().unwrap().canonical_pem(),
    )
    .unwrap();
    assert_eq!(openssl_fingerprint(&o, "canonical.p8"), fp);

    o.run(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        "AuthKey_2X9R4HXF34.p8",
        "-outform",
        "DER",
        "-out",
        "key.der",
    ]);
    openssl_case(&o, "key.der", &["der_converted"], &[]);
    // `pkey -outform DER` writes SEC1 or PKCS#8 depending on the OpenSSL version.
    o.run(&[
        "pkey",
        "-in",
        "AuthKey_2X9R4HXF34.p8",
        "-outform",
        "DER",
        "-out",
        "key_pkey.der",
    ]);
    let c = check(CheckInput {
        bytes: &o.read("key_pkey.der"),
        ..Default::default()
    });
    assert!(
        c.report.ok && c.report.has("der_converted"),
        "{:#?}",
        c.report
    );
    assert_eq!(c.report.fingerprint.as_deref(), Some(fp.as_str()));
    o.run(&["ec", "-in", "AuthKey_2X9R4HXF34.p8", "-out", "sec1.pem"]);
    openssl_case(&o, "sec1.pem", &["sec1_converted"], &[]);
    o.run(&[
        "ec",
        "-in",
        "AuthKey_2X9R4HXF34.p8",
        "-no_public",
        "-out",
        "sec1_nopub.pem",
    ]);
    openssl_case(
        &o,
        "sec1_nopub.pem",
        &["sec1_converted", "public_key_derived"],
        &[],
    );
    o.run(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-out",
        "ecparam.pem",
    ]);
    openssl_case(&o, "ecparam.pem", &["sec1_converted"], &[]);
}

#[test]
fn openssl_foreign_keys_and_certificates() {
    let Some(o) = Openssl::new() else { return };
    o.run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "p256.pem",
    ]);

    o.run(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:1024",
        "-out",
        "rsa.pem",
    ]);
    openssl_case(&o, "rsa.pem", &[], &["rsa_key"]);
    o.run(&[
        "rsa",
        "-in",
        "rsa.pem",
        "-traditional",
        "-out",
        "rsa_trad.pem",
    ]);
    openssl_case(&o, "rsa_trad.pem", &[], &["rsa_key"]);
    o.run(&[
        "rsa",
        "-in",
        "rsa.pem",
        "-traditional",
        "-outform",
        "DER",
        "-out",
        "rsa_trad.der",
    ]);
    openssl_case(&o, "rsa_trad.der", &[], &["rsa_key"]);

    o.run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-out",
        "p384.pem",
    ]);
    let c = openssl_case(&o, "p384.pem", &[], &["wrong_curve"]);
    assert!(c.report.problems[0].message.contains("P-384"));
    o.run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:secp256k1",
        "-out",
        "k1.pem",
    ]);
    let c = openssl_case(&o, "k1.pem", &[], &["wrong_curve"]);
    assert!(c.report.problems[0].message.contains("secp256k1"));
    o.run(&["ec", "-in", "k1.pem", "-out", "k1_sec1.pem"]);
    openssl_case(&o, "k1_sec1.pem", &[], &["wrong_curve"]);

    o.run(&["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"]);
    openssl_case(&o, "ed.pem", &[], &["wrong_key_type"]);
    o.run(&["genpkey", "-algorithm", "X25519", "-out", "x.pem"]);
    openssl_case(&o, "x.pem", &[], &["wrong_key_type"]);

    o.run(&[
        "pkcs8",
        "-topk8",
        "-in",
        "p256.pem",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:test",
        "-out",
        "enc.pem",
    ]);
    openssl_case(&o, "enc.pem", &[], &["encrypted_key"]);
    o.run(&[
        "pkcs8",
        "-topk8",
        "-in",
        "p256.pem",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:test",
        "-outform",
        "DER",
        "-out",
        "enc.der",
    ]);
    openssl_case(&o, "enc.der", &[], &["encrypted_key"]);
    o.run(&[
        "ec",
        "-in",
        "p256.pem",
        "-aes256",
        "-passout",
        "pass:test",
        "-out",
        "enc_legacy.pem",
    ]);
    openssl_case(&o, "enc_legacy.pem", &[], &["encrypted_key"]);

    o.run(&["pkey", "-in", "p256.pem", "-pubout", "-out", "pub.pem"]);
    openssl_case(&o, "pub.pem", &[], &["public_key_not_private"]);
    o.run(&[
        "pkey", "-in", "p256.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
    ]);
    openssl_case(&o, "pub.der", &[], &["public_key_not_private"]);

    o.run(&[
        "req", "-x509", "-new", "-key", "p256.pem", "-subj", "/CN=test", "-days", "1", "-out",
        "cert.pem",
    ]);
    openssl_case(&o, "cert.pem", &[], &["certificate_not_key"]);
    o.run(&[
        "x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.cer",
    ]);
    openssl_case(&o, "cert.cer", &[], &["certificate_not_key"]);
    o.run(&[
        "req", "-new", "-key", "p256.pem", "-subj", "/CN=test", "-out", "req.csr",
    ]);
    openssl_case(&o, "req.csr", &[], &["certificate_not_key"]);
    o.run(&[
        "req", "-new", "-key", "p256.pem", "-subj", "/CN=test", "-outform", "DER", "-out",
        "req.der",
    ]);
    openssl_case(&o, "req.der", &[], &["certificate_not_key"]);

    o.run(&[
        "pkcs12",
        "-export",
        "-inkey",
        "p256.pem",
        "-in",
        "cert.pem",
        "-passout",
        "pass:test",
        "-out",
        "bundle.p12",
    ]);
    openssl_case(&o, "bundle.p12", &[], &["pkcs12_not_key"]);

    // A PEM bundle of a key and its certificate still yields the one key.
    let bundle = [o.read("p256.pem"), o.read("cert.pem")].concat();
    std::fs::write(o.path("bundle.pem"), bundle).unwrap();
    openssl_case(&o, "bundle.pem", &[], &[]);
    let two = [o.read("p256.pem"), o.read("rsa.pem")].concat();
    std::fs::write(o.path("two.pem"), two).unwrap();
    openssl_case(&o, "two.pem", &[], &["multiple_keys"]);
}
