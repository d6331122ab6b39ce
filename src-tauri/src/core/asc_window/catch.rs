//! Catching the key App Store Connect hands over, before it ever touches the disk.
//!
//! A `data:` download holds the whole key in its address: it is decoded here into a wiped, locked
//! buffer (`KeyBytes`) and checked by the same path a picked file takes. A `blob:` or attachment
//! download has to be written by the web view: it goes into a private folder, is read once
//! finished, overwritten and deleted (`take_finished`). The address is never put into a message,
//! a log line or a panic: it is the key.

use crate::core::fsutil;
use crate::core::key::{self, KeyBytes, MAX_INPUT_BYTES};
use crate::core::problem::Code;
use crate::core::text::shown;
use crate::core::Problem;
use base64ct::{Base64, Encoding};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

/// A caught download: the key's bytes (wiped on drop) and the file name App Store Connect
/// suggested (`AuthKey_<KEYID>.p8`), which gives the Key ID exactly as for a picked file.
#[derive(Debug)]
pub struct Caught {
    pub bytes: KeyBytes,
    pub file_name: Option<String>,
}

/// Decode a `data:` download (`data:[type][;base64],payload`, percent-encoded or base64).
/// `suggested` is the file name the web view proposes for it.
pub fn from_data_url(url: &str, suggested: Option<&str>) -> Result<Caught, Problem> {
    // Percent-encoding at most triples the key, base64 adds a third: anything longer is not a key
    // and is refused before a byte of it is copied.
    if url.len() > 3 * MAX_INPUT_BYTES + 64 {
        return Err(key::read::too_large());
    }
    let rest = match url.get(..5) {
        Some(scheme) if scheme.eq_ignore_ascii_case("data:") => &url[5..],
        _ => return Err(undecodable()),
    };
    let (header, payload) = rest.split_once(',').ok_or_else(undecodable)?;
    let is_base64 = header
        .rsplit(';')
        .next()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("base64"));
    let text = percent_decode(payload.as_bytes())?;
    let bytes = if is_base64 {
        let mut clean = Zeroizing::new(Vec::with_capacity(text.len()));
        clean.extend(text.iter().copied().filter(|b| !b.is_ascii_whitespace()));
        let mut out = Zeroizing::new(vec![0u8; clean.len() / 4 * 3 + 3]);
        let len = Base64::decode(&clean[..], &mut out[..])
            .map_err(|_| undecodable())?
            .len();
        key::read_reader(&out[..len])?
    } else {
        key::read_reader(&text[..])?
    };
    Ok(Caught {
        bytes,
        file_name: suggested.and_then(file_name),
    })
}

/// Read a download the web view finished writing into the private folder, then overwrite it with
/// zeros and delete it: the key stays only in memory. The file is removed even when reading fails.
pub fn take_finished(path: &Path, suggested: Option<&str>) -> Result<Caught, Problem> {
    let read = key::read_path(path);
    wipe_file(path);
    let bytes = read?;
    if is_gone_answer(&bytes) {
        return Err(already_downloaded());
    }
    let name = suggested.or_else(|| path.file_name().and_then(|n| n.to_str()));
    Ok(Caught {
        bytes,
        file_name: name.and_then(file_name),
    })
}

/// A download the web view gave up on: WebKitGTK ends a download whose answer is an HTTP error
/// (Apple's 410 for a second download) as failed, with nothing written. `caught_before`: the
/// window already caught a key under the same file name this session, so this was the second
/// download of it. Whatever part was written is read for Apple's answer, then wiped.
pub fn take_failed(path: &Path, caught_before: bool) -> Problem {
    let read = key::read_path(path);
    wipe_file(path);
    if caught_before {
        return Problem::new(
            Code::KeyAlreadyDownloaded,
            "Apple lets each key be downloaded only once, and the wizard already caught this one.",
            "Nothing is lost: the wizard keeps the key from the first download. Carry on in the wizard.",
        );
    }
    match read {
        Ok(bytes) if is_gone_answer(&bytes) => already_downloaded(),
        _ => Problem::new(
            Code::AscWindowFailed,
            "The key's download did not finish in the App Store Connect window.",
            "Press Download again. If App Store Connect says the key was downloaded already, revoke it and generate a new one; or use your browser instead.",
        ),
    }
}

/// The private folder downloads from the window are written to (0700, never a followed link).
pub fn prepare_folder(dir: &Path) -> Result<(), Problem> {
    fsutil::create_private_dir(dir)?;
    fsutil::tighten_private_dir(dir);
    Ok(())
}

/// Overwrite with zeros, sync, delete. Best effort: a file already gone is fine.
pub fn wipe_file(path: &Path) {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.is_file() {
            if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(path) {
                let zeros = vec![0u8; (meta.len() as usize).min(MAX_INPUT_BYTES * 4)];
                let _ = f.write_all(&zeros).and_then(|_| f.sync_all());
            }
        }
        let _ = std::fs::remove_file(path);
    }
}

/// Apple's answer to a second download of the same key: 410 Gone, as a JSON error body.
fn is_gone_answer(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    text.trim_start().starts_with('{') && text.contains("\"410\"")
}

/// App Store Connect lets each key be downloaded once; the second time it answers 410.
pub fn already_downloaded() -> Problem {
    Problem::new(
        Code::KeyAlreadyDownloaded,
        "Apple lets each key be downloaded only once, and this key was downloaded before.",
        "Use the file from that first download (look in Downloads for AuthKey_….p8), or revoke this key in App Store Connect and generate a new one.",
    )
}

/// The suggested name, only as a name: no folders, no control characters, capped.
fn file_name(suggested: &str) -> Option<String> {
    let last = suggested.rsplit(['/', '\\']).next().unwrap_or("");
    let name = shown(last, 120);
    (!name.trim().is_empty()).then_some(name)
}

fn percent_decode(input: &[u8]) -> Result<Zeroizing<Vec<u8>>, Problem> {
    let mut out = Zeroizing::new(Vec::with_capacity(input.len()));
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'%' => {
                let hex = input
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(undecodable)?;
                out.push(byte);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Never says what the address held: it may be most of a key.
fn undecodable() -> Problem {
    Problem::new(
        Code::NotAKey,
        "The download from App Store Connect could not be read as a key file.",
        "Use my browser instead: download the key there and choose the AuthKey_….p8 file.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::{Base64, Encoding};

    /// A fresh P-256 key for each test: never a real one.
    fn pem() -> String {
        use p256::pkcs8::{EncodePrivateKey, LineEnding};
        let secret = p256::SecretKey::random(&mut rand_core::OsRng);
        secret.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
    }

    fn percent(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    fn loads(c: &Caught) -> key::Report {
        key::check(key::CheckInput {
            bytes: &c.bytes,
            file_name: c.file_name.as_deref(),
            ..Default::default()
        })
        .report
    }

    #[test]
    fn a_percent_encoded_data_download_is_the_key() {
        let pem = pem();
        let url = format!("data:application/octet-stream,{}", percent(&pem));
        let c = from_data_url(&url, Some("AuthKey_ABCDE12345.p8")).unwrap();
        assert_eq!(&c.bytes[..], pem.as_bytes());
        assert_eq!(c.file_name.as_deref(), Some("AuthKey_ABCDE12345.p8"));
        let report = loads(&c);
        assert!(report.ok, "{report:?}");
        assert_eq!(report.key_id.as_deref(), Some("ABCDE12345"));
    }

    #[test]
    fn a_base64_data_download_is_the_key() {
        let pem = pem();
        let b64 = Base64::encode_string(pem.as_bytes());
        for url in [
            format!("data:application/x-pem-file;base64,{b64}"),
            format!("DATA:;BASE64,{}", percent(&b64)),
            format!(
                "data:application/octet-stream;name=AuthKey.p8;base64,{}",
                b64.replace('A', "A\n")
            ),
        ] {
            let c = from_data_url(&url, None).unwrap();
            assert_eq!(&c.bytes[..], pem.as_bytes());
            assert!(loads(&c).ok);
        }
    }

    #[test]
    fn what_is_not_a_key_is_refused_and_the_address_never_shown() {
        for url in [
            "data:text/plain,hello%20secret",
            "data:;base64,@@@secret",
            "data:%ZZsecret",
            "blob:secret",
            "data-secret",
        ] {
            match from_data_url(url, None) {
                Err(p) => {
                    assert!(!format!("{p:?}").contains("secret"), "{url}");
                    assert_eq!(p.code, Code::NotAKey);
                }
                Ok(c) => {
                    let report = loads(&c);
                    assert!(!report.ok, "{url}");
                    assert!(!format!("{report:?}").contains("secret"), "{url}");
                }
            }
        }
    }

    #[test]
    fn huge_input_is_capped_at_64_kib() {
        let huge = format!("data:,{}", "A".repeat(3 * MAX_INPUT_BYTES + 100));
        assert_eq!(from_data_url(&huge, None).unwrap_err().code, Code::TooLarge);
        // Short enough to pass the first gate, over the cap once decoded.
        let over = format!("data:,{}", "A".repeat(MAX_INPUT_BYTES + 1));
        assert_eq!(from_data_url(&over, None).unwrap_err().code, Code::TooLarge);
        let b64 = format!(
            "data:;base64,{}",
            Base64::encode_string(&vec![b'A'; MAX_INPUT_BYTES + 3])
        );
        assert_eq!(from_data_url(&b64, None).unwrap_err().code, Code::TooLarge);
    }

    #[test]
    fn suggested_names_are_names_only() {
        let url = format!("data:,{}", percent(&pem()));
        let c = from_data_url(&url, Some("/tmp/x/../AuthKey_ABCDE12345.p8")).unwrap();
        assert_eq!(c.file_name.as_deref(), Some("AuthKey_ABCDE12345.p8"));
        assert_eq!(from_data_url(&url, Some("dir\\")).unwrap().file_name, None);
    }

    #[test]
    fn a_finished_download_is_read_then_wiped_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("asc-downloads");
        prepare_folder(&folder).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        let file = folder.join("AuthKey_ABCDE12345.p8");
        std::fs::write(&file, pem()).unwrap();
        let c = take_finished(&file, None).unwrap();
        assert!(!file.exists());
        assert_eq!(loads(&c).key_id.as_deref(), Some("ABCDE12345"));

        std::fs::write(
            &file,
            r#"{"errors":[{"status":"410","detail":"can only be downloaded one time"}]}"#,
        )
        .unwrap();
        assert_eq!(
            take_finished(&file, None).unwrap_err().code,
            Code::KeyAlreadyDownloaded
        );
        assert!(!file.exists());
        assert_eq!(
            take_finished(&file, None).unwrap_err().code,
            Code::FileNotFound
        );

        // A download the web view marked failed: Apple's 410 is still told apart, and nothing
        // is left either way.
        std::fs::write(&file, r#"{"errors":[{"status":"410"}]}"#).unwrap();
        assert_eq!(take_failed(&file, false).code, Code::KeyAlreadyDownloaded);
        assert!(!file.exists());
        std::fs::write(&file, &pem()[..30]).unwrap();
        assert_eq!(take_failed(&file, false).code, Code::AscWindowFailed);
        assert!(!file.exists());
        assert_eq!(take_failed(&file, false).code, Code::AscWindowFailed);
        // The same key's name caught before: the second download, whatever was written.
        let again = take_failed(&file, true);
        assert_eq!(again.code, Code::KeyAlreadyDownloaded);
        assert!(again.message.contains("already caught"));
    }
}
