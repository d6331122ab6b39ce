//! Where a download came from, where the OS records it: `user.xdg.origin.url` on Linux
//! (Chromium and Firefox set it), `kMDItemWhereFroms` on macOS, the `Zone.Identifier` stream on
//! Windows. Only the host is shown, so a merchant can tell App Store Connect's key from a file
//! another tab downloaded; a missing or odd record just means no origin is shown.

use std::path::Path;

/// The host `path` was downloaded from, if the OS recorded a web address for it.
pub fn origin_host(path: &Path) -> Option<String> {
    recorded_urls(path).iter().find_map(|u| host_of(u))
}

/// The host of a web address, lower-case, letters, digits, dots and dashes only (a name shown
/// to the merchant must not carry user names, ports or anything a page could dress up).
pub fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?.to_ascii_lowercase();
    let clean = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    clean.then_some(host)
}

#[cfg(target_os = "linux")]
fn recorded_urls(path: &Path) -> Vec<String> {
    xattr(path, "user.xdg.origin.url")
        .and_then(|b| String::from_utf8(b).ok())
        .into_iter()
        .collect()
}

/// `kMDItemWhereFroms` is a binary plist of strings (the file's address, then the page's); its
/// ASCII strings sit whole inside it, so the addresses are picked out without a plist parser.
#[cfg(target_os = "macos")]
fn recorded_urls(path: &Path) -> Vec<String> {
    let Some(bytes) = xattr(path, "com.apple.metadata:kMDItemWhereFroms") else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    text.match_indices("http")
        .map(|(i, _)| {
            text[i..]
                .chars()
                .take_while(|c| c.is_ascii_graphic())
                .collect::<String>()
        })
        .collect()
}

/// `<file>:Zone.Identifier`: `HostUrl=` (the file) and `ReferrerUrl=` (the page).
#[cfg(windows)]
fn recorded_urls(path: &Path) -> Vec<String> {
    let mut stream = path.as_os_str().to_owned();
    stream.push(":Zone.Identifier");
    let Ok(text) = std::fs::read_to_string(std::path::PathBuf::from(stream)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("HostUrl=")
                .or_else(|| l.trim().strip_prefix("ReferrerUrl="))
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn recorded_urls(_: &Path) -> Vec<String> {
    Vec::new()
}

/// An extended attribute's value (at most 4 KiB; larger is not a web address).
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn xattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let c_name = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0u8; 4096];
    // SAFETY: both names are NUL-terminated and `buf` is writable for its whole length.
    #[cfg(target_os = "linux")]
    let n = unsafe {
        libc::getxattr(
            c_path.as_ptr(),
            c_name.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    // SAFETY: as above; position 0 and no options read the whole value without following links.
    #[cfg(target_os = "macos")]
    let n = unsafe {
        libc::getxattr(
            c_path.as_ptr(),
            c_name.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            0,
            libc::XATTR_NOFOLLOW,
        )
    };
    let n = usize::try_from(n).ok()?;
    buf.truncate(n);
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_clean_web_host_is_shown() {
        assert_eq!(
            host_of("https://appstoreconnect.apple.com/access/api").as_deref(),
            Some("appstoreconnect.apple.com")
        );
        assert_eq!(
            host_of("https://user:pw@Example.COM:8443/x").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("file:///home/me/AuthKey.p8"), None);
        assert_eq!(host_of("not a url"), None);
    }

    /// The origin Chromium and Firefox record on Linux is read back (on a file system with user
    /// attributes: a folder under the target dir, since /tmp may be a tmpfs without them).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_linux_origin_attribute_is_read() {
        use std::os::unix::ffi::OsStrExt;
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
        std::fs::create_dir_all(&base).unwrap();
        let dir = tempfile::tempdir_in(&base).unwrap();
        let file = dir.path().join("AuthKey_2X9R4HXF34.p8");
        std::fs::write(&file, "k").unwrap();
        assert_eq!(origin_host(&file), None, "nothing recorded");
        let (p, n) = (
            std::ffi::CString::new(file.as_os_str().as_bytes()).unwrap(),
            c"user.xdg.origin.url",
        );
        let url = b"https://appstoreconnect.apple.com/access/integrations/api";
        // SAFETY: NUL-terminated names; `url` is readable for its length.
        let set =
            unsafe { libc::setxattr(p.as_ptr(), n.as_ptr(), url.as_ptr().cast(), url.len(), 0) };
        if set != 0 {
            eprintln!(
                "skipped: no user extended attributes here ({})",
                std::io::Error::last_os_error()
            );
            return;
        }
        assert_eq!(
            origin_host(&file).as_deref(),
            Some("appstoreconnect.apple.com")
        );
    }
}
