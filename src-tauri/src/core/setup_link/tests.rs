//! The setup link's rules, one test each: parsing, a second link never replacing the first, refused links, used codes, sanitising, the host tick.

use super::*;

#[test]
fn a_good_link_gives_its_code_and_account() {
    let l = parse(
        "acme-keys://setup?token=tok_123-abc&account=Blue%20Shoes",
        "acme-keys",
        true,
    )
    .unwrap();
    assert_eq!(l.token.as_str(), "tok_123-abc");
    assert_eq!(l.account.as_deref(), Some("Blue Shoes"));
    assert!(!format!("{l:?}").contains("tok_123"));
}

#[test]
fn malformed_links_say_what_is_wrong() {
    for (raw, words) in [
        ("not a link", "not a link"),
        ("https://setup?token=x", "not a setup link"),
        ("acme-keys://other?token=x", "damaged"),
        ("acme-keys://setup/more?token=x", "damaged"),
        ("acme-keys://setup?account=x", "no setup code"),
        ("acme-keys://setup?token=a&token=b", "twice"),
        ("acme-keys://setup?token=a%20b", "not a setup code"),
    ] {
        let p = parse(raw, "acme-keys", true).unwrap_err();
        assert_eq!(p.code, Code::SetupLinkInvalid);
        assert!(p.message.contains(words), "{raw}: {}", p.message);
    }
}

#[test]
fn only_the_generic_build_takes_a_destination_from_a_link() {
    let raw = "asc-key-wizard://setup?token=t0k&upload_url=https%3A%2F%2Fdash.example%2Fk";
    let p = parse(raw, GENERIC_SCHEME, true).unwrap_err();
    assert!(
        p.message.contains("never takes") && !p.message.contains("dash.example"),
        "{}",
        p.message
    );
    let l = parse(raw, GENERIC_SCHEME, false).unwrap();
    assert_eq!(l.upload_url.as_deref(), Some("https://dash.example/k"));
    let plain = "asc-key-wizard://setup?token=t0k&upload_url=http%3A%2F%2Fdash.example%2Fk";
    assert_eq!(
        parse(plain, GENERIC_SCHEME, false).unwrap_err().code,
        Code::ConfigInvalidUrl
    );
}

fn token_of(links: &Links) -> String {
    match links.pick() {
        Pick::One(l) => l.token.to_string(),
        Pick::NoLink => "none".into(),
        Pick::Undecided => "undecided".into(),
    }
}

fn sent(links: &Links) -> [u8; 32] {
    match links.pick() {
        Pick::One(l) => l.sent,
        _ => panic!("no link chosen"),
    }
}

#[test]
fn a_used_link_is_refused_when_it_comes_again() {
    let mut links = Links::default();
    links.receive("asc-key-wizard://setup?token=once");
    assert_eq!(
        links.info().unwrap().message,
        "A setup link asks to upload the key with its setup code. Nothing needs pasting."
    );
    assert_eq!(token_of(&links), "once");
    links.used(sent(&links));
    assert_eq!(token_of(&links), "none");
    links.receive("asc-key-wizard://setup?token=once");
    assert_eq!(
        links.info().unwrap().problem.unwrap().code,
        Code::SetupLinkUsed
    );
    assert_eq!(token_of(&links), "none");
    links.receive("asc-key-wizard://setup?token=fresh");
    assert!(links.info().unwrap().problem.is_none());
}

#[test]
fn a_second_link_never_replaces_the_first_the_merchant_chooses() {
    let mut links = Links::default();
    links.receive("asc-key-wizard://setup?token=mine&account=Blue%20Shoes");
    assert_eq!(token_of(&links), "mine");
    links.receive("asc-key-wizard://setup?token=theirs&account=Blue%20Shoes");
    // The same sentence would have hidden the swap: now both are listed, none is used.
    let info = links.info().unwrap();
    assert!(
        !info.ready && info.message.starts_with("2 setup links ask"),
        "{}",
        info.message
    );
    assert_eq!(info.choices.len(), 2);
    assert!(
        info.choices
            .iter()
            .all(|c| !c.chosen && c.label.contains("“Blue Shoes”")),
        "{:?}",
        info.choices
    );
    assert!(!format!("{info:?}").contains("mine") && !format!("{info:?}").contains("theirs"));
    assert_eq!(token_of(&links), "undecided");
    let none = Zeroizing::new(String::new());
    assert_eq!(
        choose(none.clone(), links.pick(), None).unwrap_err().code,
        Code::SetupLinkChoiceNeeded
    );
    // A pasted code is the merchant's own: the links do not block it.
    assert!(choose(Zeroizing::new("pasted".into()), links.pick(), None).is_ok());
    links.choose(info.choices[0].id).unwrap();
    assert_eq!(token_of(&links), "mine");
    let info = links.info().unwrap();
    assert!(
        info.ready && info.message.contains("1 other setup link also arrived"),
        "{}",
        info.message
    );
    // A link arriving after the choice undoes it: the merchant chooses again.
    links.receive("asc-key-wizard://setup?token=third");
    assert_eq!(token_of(&links), "undecided");
    assert_eq!(
        links.choose(999).unwrap_err().code,
        Code::SetupLinkChoiceNeeded
    );
    // At most MAX_PENDING wait; a further one is refused and the others stay.
    links.receive("asc-key-wizard://setup?token=fourth");
    let info = links.info().unwrap();
    assert_eq!(
        (info.choices.len(), info.problem.map(|p| p.code)),
        (3, Some(Code::SetupLinkInvalid))
    );
    // The same link opened twice is not a second link.
    let mut links = Links::default();
    links.receive("asc-key-wizard://setup?token=mine");
    links.receive("asc-key-wizard://setup?token=mine");
    assert_eq!(token_of(&links), "mine");
}

#[test]
fn a_refused_link_never_wipes_a_good_pending_one() {
    let mut links = Links::default();
    links.receive("asc-key-wizard://setup?token=good&account=Blue");
    links.receive("asc-key-wizard://setup?account=no-code");
    let info = links.info().unwrap();
    assert!(info.ready && info.problem.unwrap().code == Code::SetupLinkInvalid);
    assert_eq!(token_of(&links), "good");
    links.used(sent(&links));
    links.receive("asc-key-wizard://setup?token=next");
    links.receive("asc-key-wizard://setup?token=good");
    assert_eq!(
        links.info().unwrap().problem.unwrap().code,
        Code::SetupLinkUsed
    );
    assert_eq!(token_of(&links), "next");
}

#[test]
fn used_marks_the_code_that_was_sent_even_if_another_link_came_meanwhile() {
    let mut links = Links::default();
    links.receive("asc-key-wizard://setup?token=first");
    let in_flight = sent(&links); // captured before the upload's await
    links.receive("asc-key-wizard://setup?token=second");
    links.used(in_flight);
    // The link that came during the upload stays, but is not taken up without a choice.
    assert_eq!(token_of(&links), "undecided");
    let info = links.info().unwrap();
    assert_eq!(info.choices.len(), 1);
    links.choose(info.choices[0].id).unwrap();
    assert_eq!(token_of(&links), "second");
    links.receive("asc-key-wizard://setup?token=first");
    assert_eq!(
        links.info().unwrap().problem.unwrap().code,
        Code::SetupLinkUsed
    );
}

#[test]
fn link_values_are_never_echoed_raw() {
    let mut links = Links::default();
    links.receive("asc-key-wizard://setup?token=t&account=Blue%E2%80%AEsdr%C3%A1w%E2%80%AC%0A%1B[31mLtd%E2%81%A6");
    let info = links.info().unwrap();
    assert_eq!(info.account.as_deref(), Some("Bluesdráw [31mLtd"));
    assert!(
        !info.message.contains('\u{202E}') && !info.message.contains('\u{1b}'),
        "{}",
        info.message
    );
    let long = format!("acme-keys://setup?token=t&account={}", "x".repeat(81));
    let p = parse(&long, "acme-keys", true).unwrap_err();
    assert!(
        p.message.contains("the setup link is too long") || p.message.contains("too long"),
        "{}",
        p.message
    );
    assert!(!p.message.contains("xxxx"));
    let twice = parse("acme-keys://setup?token=a&token=b", "acme-keys", true).unwrap_err();
    assert!(!twice.message.contains("a&") && !twice.message.contains("=b"));
}

#[test]
fn a_link_naming_a_host_needs_exactly_that_host_confirmed() {
    let pick = || {
        Pick::One(LinkToken {
            token: Zeroizing::new("t0k".to_string()),
            upload_url: Some("https://dash.example/k".to_string()),
            sent: digest("t0k"),
        })
    };
    let none = Zeroizing::new(String::new());
    assert_eq!(
        choose(none.clone(), pick(), None).unwrap_err().code,
        Code::DestinationUnconfirmed
    );
    // A tick given for another host (an earlier link's) does not carry over.
    assert_eq!(
        choose(none.clone(), pick(), Some("other.example"))
            .unwrap_err()
            .code,
        Code::DestinationUnconfirmed
    );
    let (t, to, used) = choose(none.clone(), pick(), Some("dash.example")).unwrap();
    assert_eq!(
        (t.as_str(), to.as_deref(), used),
        ("t0k", Some("https://dash.example/k"), Some(digest("t0k")))
    );
    // A pasted code is the merchant's own choice: the link is left alone.
    let (t, to, used) = choose(Zeroizing::new("mine".into()), pick(), None).unwrap();
    assert_eq!((t.as_str(), to, used), ("mine", None, None));
    let (t, _, used) = choose(
        none.clone(),
        Pick::One(LinkToken {
            token: Zeroizing::new("t0k".into()),
            upload_url: None,
            sent: digest("t0k"),
        }),
        None,
    )
    .unwrap();
    assert_eq!((t.as_str(), used), ("t0k", Some(digest("t0k"))));
    let (t, _, used) = choose(none, Pick::NoLink, None).unwrap();
    assert_eq!((t.as_str(), used), ("", None));
}

#[test]
fn the_link_is_found_among_the_arguments() {
    let args = ["/usr/bin/app", "--flag", "ACME-KEYS://setup?token=x"].map(String::from);
    assert_eq!(
        in_args(args, "acme-keys").as_deref(),
        Some("ACME-KEYS://setup?token=x")
    );
    assert_eq!(in_args(["app".to_string()], "acme-keys"), None);
    // A multi-byte character where the scheme would end is not a link, and no panic.
    assert_eq!(in_args(["acme-keyé://x".to_string()], "acme-keys"), None);
}
