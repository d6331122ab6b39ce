//! The App Store Connect stand-in (`tests/support/asc_pages.rs`) against the core's rules for the
//! embedded window: each page is recognised from its path and allowed by the stand-in's navigation
//! rule, the one Issuer ID is offered, and each way Download hands the key over ends, through
//! `core::asc_window::catch`, in the very key, with the Key ID from its name; a second download is 410.

use crate::support::asc_pages;

use asc_key_wizard::core::asc_window::{self, catch, pages, Page, Rule, Verdict};
use asc_key_wizard::core::key::{self, CheckInput};
use asc_key_wizard::core::problem::Code;
use asc_pages::{AscPages, Kind};
use std::io::{Read, Write};
use url::Url;

const KEY_ID: &str = "2X9R4HXF34";
const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

fn pem() -> String {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    p256::SecretKey::random(&mut rand_core::OsRng)
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string()
}

/// (status, headers, body) of a plain GET.
fn get(base: &str, path: &str) -> (u16, String, Vec<u8>) {
    let url = Url::parse(base).unwrap();
    let mut s =
        std::net::TcpStream::connect((url.host_str().unwrap(), url.port().unwrap())).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, all[split + 4..].to_vec())
}

fn report_of(c: &catch::Caught) -> key::Report {
    key::check(CheckInput {
        bytes: &c.bytes,
        file_name: c.file_name.as_deref(),
        ..Default::default()
    })
    .report
}

#[test]
fn every_page_is_recognised_and_allowed_and_the_issuer_id_offered() {
    let asc = AscPages::start(&pem(), KEY_ID, ISSUER);
    let rule = Rule::stand_in(&asc.base()).unwrap();
    assert_eq!(rule.decide(&rule.start()), Verdict::Load);
    for (path, page) in [
        ("/login", Page::SignIn),
        ("/access/users", Page::UsersAndAccess),
        ("/access/integrations", Page::Integrations),
        ("/access/integrations/api", Page::ApiKeys),
    ] {
        let (status, _, body) = get(&asc.base(), path);
        assert_eq!(status, 200, "{path}");
        let url = Url::parse(&asc.base()).unwrap().join(path).unwrap();
        assert_eq!(rule.decide(&url), Verdict::Load, "{path}");
        assert_eq!(asc_window::recognise(url.path()), page, "{path}");
        let body = String::from_utf8(body).unwrap();
        // The outlined control exists on the page, found by structure.
        if let Some(sel) = page.outline() {
            let href = sel.split('"').nth(1).unwrap();
            assert!(
                body.contains(href) || body.contains("aria-haspopup=\"dialog\""),
                "{path}: {sel}"
            );
        }
        // The off-list link goes to the system browser, never into the window.
        assert!(body.contains(asc_pages::OFF_LIST_LINK));
        assert_eq!(
            rule.decide(&Url::parse(asc_pages::OFF_LIST_LINK).unwrap()),
            Verdict::SystemBrowser
        );
    }
    // What the fixed script would collect from the keys tab: exactly one UUID, offered.
    let (_, _, body) = get(&asc.base(), "/access/integrations/api");
    let text = String::from_utf8(body).unwrap();
    let found: Vec<String> = text
        .split(['<', '>', ' ', '"'])
        .filter(|w| w.len() == 36)
        .map(String::from)
        .collect();
    assert_eq!(pages::issuer_offer(&found).as_deref(), Some(ISSUER));
}

#[test]
fn a_data_url_download_is_caught_and_the_second_is_410() {
    let pem = pem();
    let asc = AscPages::start(&pem, KEY_ID, ISSUER);
    let (status, _, body) = get(
        &asc.base(),
        &format!("/iris/v1/apiKeys/{KEY_ID}?fields[apiKeys]=privateKey"),
    );
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let b64 = json["data"]["attributes"]["privateKey"].as_str().unwrap();
    // As the page builds it (and the blob: kind carries the same bytes).
    let url = format!("data:application/octet-stream;base64,{b64}");
    let caught = catch::from_data_url(&url, Some(&format!("AuthKey_{KEY_ID}.p8"))).unwrap();
    assert_eq!(&caught.bytes[..], pem.as_bytes());
    let report = report_of(&caught);
    assert!(report.ok, "{report:?}");
    assert_eq!(report.key_id.as_deref(), Some(KEY_ID));
    let (again, _, body) = get(
        &asc.base(),
        &format!("/iris/v1/apiKeys/{KEY_ID}?fields[apiKeys]=privateKey"),
    );
    assert_eq!(again, 410);
    assert!(String::from_utf8(body).unwrap().contains("\"410\""));
    assert_eq!(asc.downloads(), 2);
}

#[test]
fn an_attachment_is_caught_from_the_private_folder_and_the_second_is_explained() {
    let pem = pem();
    let asc = AscPages::start(&pem, KEY_ID, ISSUER);
    asc.set_kind(Kind::Attachment);
    let (_, _, page) = get(&asc.base(), "/access/integrations/api");
    assert!(String::from_utf8(page)
        .unwrap()
        .contains("KIND = \"attachment\""));
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("asc-downloads");
    catch::prepare_folder(&folder).unwrap();
    let file = folder.join(format!("AuthKey_{KEY_ID}.p8"));
    for round in 0..2 {
        // What the web view writes into the private folder.
        let (status, head, body) = get(&asc.base(), &format!("/download/{KEY_ID}"));
        std::fs::write(&file, body).unwrap();
        let taken = catch::take_finished(&file, None);
        assert!(!file.exists(), "the download is deleted once read");
        if round == 0 {
            assert_eq!(status, 200);
            assert!(head.contains("Content-Disposition: attachment"));
            let caught = taken.unwrap();
            assert_eq!(&caught.bytes[..], pem.as_bytes());
            assert_eq!(report_of(&caught).key_id.as_deref(), Some(KEY_ID));
        } else {
            assert_eq!(status, 410);
            assert_eq!(taken.unwrap_err().code, Code::KeyAlreadyDownloaded);
        }
    }
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "nothing is left behind"
    );
}
