//! A platform profile's fields and the rules it must pass; shared by `build.rs` (which refuses
//! to embed a bad profile) and the app, so this file uses no other module of the crate than
//! `core::url_rule` (which `build.rs` makes reachable at the same path).

use serde::{Deserialize, Serialize};

/// The generic build's identifier: its keychain service and settings folder.
pub const GENERIC_IDENTIFIER: &str = "dev.asckeywizard.wizard";
/// The generic build's setup-link scheme: a platform build must name its own.
pub const GENERIC_SCHEME: &str = "asc-key-wizard";

/// The backgrounds the UI puts accent-coloured text on (`ui/styles.css`: `--bg`, `--panel`).
pub const LIGHT_BACKGROUNDS: [&str; 2] = ["#f6f7f9", "#ffffff"];
pub const DARK_BACKGROUNDS: [&str; 2] = ["#14171d", "#1d2129"];
/// WCAG 2.x AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// `platforms/<name>.json` (see `docs/platforms-profile.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The platform, as merchants know it: "Acme Shops".
    pub platform_name: String,
    /// The app's name (installers, menus): "Acme Shops Key Setup".
    pub product_name: String,
    pub window_title: String,
    /// Reverse-DNS, e.g. `example.acme.keysetup`: its own keychain service and settings folder.
    pub identifier: String,
    pub accent: Accent,
    /// An SVG file beside the profile, shown in the wizard's top bar.
    #[serde(default)]
    pub logo: Option<String>,
    /// The logo's text, filled in by the build from `logo` (never written by hand).
    #[serde(default)]
    pub logo_svg: Option<String>,
    /// A square PNG (at least 512×512) beside the profile, for `tauri icon`.
    #[serde(default)]
    pub icon: Option<String>,
    pub upload_url: String,
    #[serde(default)]
    pub dashboard_url: Option<String>,
    #[serde(default)]
    pub support_contact: Option<String>,
    #[serde(default)]
    pub token_label: Option<String>,
    #[serde(default)]
    pub required_capabilities: Vec<String>,
    /// The key name step 2 suggests typing in App Store Connect.
    #[serde(default)]
    pub suggested_key_name: Option<String>,
    #[serde(default)]
    pub help_links: Vec<HelpLink>,
    /// `acme-keys` for `acme-keys://setup?token=…`.
    #[serde(default)]
    pub setup_link_scheme: Option<String>,
    #[serde(default)]
    pub updates: Option<Updates>,
}

/// One accent per theme: no colour reaches 4.5:1 on both a near-white and a near-black page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accent {
    pub light: String,
    pub dark: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpLink {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Updates {
    pub endpoint: String,
    /// The minisign public key `tauri signer generate` prints.
    pub pubkey: String,
}

/// Capabilities a profile may require (what the test with Apple can tell).
pub const CAPABILITIES: [&str; 2] = ["signing", "users"];

/// Every rule the profile breaks, as `field: what is wrong` lines (empty = fine).
pub fn problems(p: &Profile) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |field: &str, value: &str| {
        if value.trim().is_empty() || value.chars().any(char::is_control) || value.len() > 80 {
            out.push(format!("{field}: must be 1 to 80 printable characters"));
        }
    };
    need("platform_name", &p.platform_name);
    need("product_name", &p.product_name);
    need("window_title", &p.window_title);
    if let Some(label) = &p.token_label {
        need("token_label", label);
    }
    if let Some(name) = &p.suggested_key_name {
        need("suggested_key_name", name);
    }
    if !is_identifier(&p.identifier) || p.identifier == GENERIC_IDENTIFIER {
        out.push("identifier: must be reverse-DNS (letters, digits, '-', at least two dots-separated parts) and not the generic build's".into());
    }
    for (theme, value, backgrounds) in [
        ("light", &p.accent.light, LIGHT_BACKGROUNDS),
        ("dark", &p.accent.dark, DARK_BACKGROUNDS),
    ] {
        match hex_rgb(value) {
            None => out.push(format!(
                "accent.{theme}: \"{value}\" is not a #rrggbb colour"
            )),
            Some(rgb) => {
                let on = text_on(rgb);
                let ratio = contrast(rgb, hex_rgb(on).unwrap_or([0, 0, 0]));
                if ratio < MIN_CONTRAST {
                    out.push(format!(
                        "accent.{theme}: button text on {value} reaches only {ratio:.2}:1"
                    ));
                }
                for bg in backgrounds {
                    let ratio = contrast(rgb, hex_rgb(bg).unwrap_or([0, 0, 0]));
                    if ratio < MIN_CONTRAST {
                        out.push(format!("accent.{theme}: {value} on the {theme} background {bg} has contrast {ratio:.2}:1, below {MIN_CONTRAST}:1 (WCAG AA)"));
                    }
                }
            }
        }
    }
    for (field, url) in [
        ("upload_url", Some(&p.upload_url)),
        ("dashboard_url", p.dashboard_url.as_ref()),
    ]
    .into_iter()
    .chain(
        p.help_links
            .iter()
            .map(|l| ("help_links.url", Some(&l.url))),
    )
    .chain(
        p.updates
            .iter()
            .map(|u| ("updates.endpoint", Some(&u.endpoint))),
    ) {
        if let Some(why) = url.and_then(|u| url_problem(u)) {
            out.push(format!("{field}: {why}"));
        }
    }
    for cap in &p.required_capabilities {
        if !CAPABILITIES.contains(&cap.as_str()) {
            out.push(format!(
                "required_capabilities: \"{cap}\" is not one of {CAPABILITIES:?}"
            ));
        }
    }
    match &p.setup_link_scheme {
        None => out.push("setup_link_scheme: required: each platform names its own (a shared scheme would hand one platform's links to another's wizard)".into()),
        Some(s) if s.eq_ignore_ascii_case(GENERIC_SCHEME) => out.push(format!("setup_link_scheme: \"{GENERIC_SCHEME}\" is the generic build's; name the platform's own")),
        Some(_) => {}
    }
    if let Some(scheme) = &p.setup_link_scheme {
        let ok = scheme.len() >= 3
            && scheme.starts_with(|c: char| c.is_ascii_lowercase())
            && scheme
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && !["http", "https", "file", "javascript", "data", "mailto"]
                .contains(&scheme.as_str());
        if !ok {
            out.push("setup_link_scheme: lowercase letters, digits, '-' or '.', starting with a letter, not a web scheme".into());
        }
    }
    if let Some(u) = &p.updates {
        if u.pubkey.trim().is_empty() {
            out.push("updates.pubkey: the public key `tauri signer generate` printed".into());
        }
    }
    if let Some(svg) = &p.logo_svg {
        if let Some(why) = svg_problem(svg) {
            out.push(format!("logo: {why}"));
        }
    }
    out
}

/// The rules that depend on the build: `known` holds the (identifier, scheme) of every other
/// profile this source tree knows (`platforms/*.json`, `tests/e2e/*.json`); a scheme one of
/// them uses for another identifier is refused, since two installed wizards answering the same
/// scheme would each get the other's links. Outside a test build (`test_build` false) no
/// address may be plain http, in any letter case, not even to this computer.
pub fn build_problems(p: &Profile, known: &[(String, String)], test_build: bool) -> Vec<String> {
    let mut out = problems(p);
    if let Some(scheme) = &p.setup_link_scheme {
        if let Some((other, _)) = known
            .iter()
            .find(|(id, s)| s.eq_ignore_ascii_case(scheme) && *id != p.identifier)
        {
            out.push(format!(
                "setup_link_scheme: \"{scheme}\" is already the scheme of the profile {other}"
            ));
        }
    }
    if !test_build {
        for (field, url) in urls(p) {
            if url
                .trim_start()
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
            {
                out.push(format!("{field}: http:// is allowed only in a test build (scripts/build-platform.sh --test); use https"));
            }
        }
    }
    out
}

/// Every address in the profile, with its field name.
fn urls(p: &Profile) -> Vec<(&'static str, &String)> {
    let mut v = vec![("upload_url", &p.upload_url)];
    v.extend(p.dashboard_url.iter().map(|u| ("dashboard_url", u)));
    v.extend(p.help_links.iter().map(|l| ("help_links.url", &l.url)));
    v.extend(p.updates.iter().map(|u| ("updates.endpoint", &u.endpoint)));
    v
}

/// https only, with a host and no user name or password. Plain http is allowed to this computer
/// alone (the destination rule's loopback), for test profiles; `build-platform.sh` refuses it
/// without `--test`.
pub fn url_problem(raw: &str) -> Option<String> {
    use crate::core::url_rule::{has_user_info, is_loopback};
    let url = match url::Url::parse(raw.trim()) {
        Ok(u) => u,
        Err(e) => return Some(format!("\"{raw}\" is not an address ({e})")),
    };
    if has_user_info(&url) {
        return Some("must not contain a user name or password".into());
    }
    let loopback = is_loopback(&url);
    match url.scheme() {
        "https" if url.host_str().is_some_and(|h| !h.is_empty()) => None,
        "http" if loopback => None,
        "https" => Some("has no host name".into()),
        other => Some(format!("\"{other}\" is not allowed: use https")),
    }
}

fn is_identifier(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    s.len() <= 100
        && parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.starts_with(|c: char| c.is_ascii_alphabetic())
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// An SVG the wizard may show as an image: small, SVG, no script or event handlers.
fn svg_problem(svg: &str) -> Option<String> {
    let lower = svg.to_ascii_lowercase();
    if svg.len() > 64 * 1024 {
        Some("the SVG is larger than 64 KiB".into())
    } else if !lower.contains("<svg") {
        Some("the file is not an SVG".into())
    } else if lower.contains("<script") || lower.contains("javascript:") || has_handler(&lower) {
        Some("the SVG holds a script or an event handler".into())
    } else if lower.contains("href=\"http") || lower.contains("url(http") {
        Some("the SVG loads something from the network".into())
    } else {
        None
    }
}

/// An attribute named `on…` (`onload=`, `onclick =`), after any blank.
fn has_handler(lower: &str) -> bool {
    lower.match_indices("on").any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            return false;
        }
        let rest = &lower[i + 2..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
    })
}

/// `#rrggbb` → `[r, g, b]`.
pub fn hex_rgb(s: &str) -> Option<[u8; 3]> {
    let hex = s
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()))?;
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG 2.x relative luminance.
fn luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// WCAG 2.x contrast ratio, 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Text on an accent-coloured button: white or near-black, whichever reads better.
pub fn text_on(accent: [u8; 3]) -> &'static str {
    if contrast(accent, [255, 255, 255]) >= contrast(accent, [0x0d, 0x13, 0x20]) {
        "#ffffff"
    } else {
        "#0d1320"
    }
}
