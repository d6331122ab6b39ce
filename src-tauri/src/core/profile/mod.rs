//! The platform profile compiled into this binary (none in the generic build): its name,
//! colours and the one destination keys may go to (see `docs/platforms-profile.md`).

pub mod rules;

use crate::core::problem::Code;
use crate::core::Problem;
pub use rules::Profile;
use serde::Serialize;
use std::sync::OnceLock;

/// `null`, or the profile `build.rs` validated (with its logo inlined), from `ASC_WIZARD_PROFILE`.
const EMBEDDED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/profile.json"));

/// The keychain service and settings folder name: the profile's identifier, or the generic one.
pub const IDENTIFIER: &str = env!("ASC_WIZARD_IDENTIFIER");

/// The profile this binary was built with; `None` in the generic build.
pub fn embedded() -> Option<&'static Profile> {
    static PROFILE: OnceLock<Option<Profile>> = OnceLock::new();
    PROFILE
        .get_or_init(|| {
            // build.rs ran `rules::problems` on this very text and refused to build on any.
            serde_json::from_str::<Option<Profile>>(EMBEDDED_JSON)
                .expect("build.rs embedded a valid profile")
        })
        .as_ref()
}

/// A door through which someone could name another destination than the profile's.
#[derive(Debug, Clone, Copy)]
pub enum Door<'a> {
    /// A settings file (`--config PATH`).
    SettingsFile(&'a std::path::Path),
    /// An upload address (`--to URL`).
    Address(&'a str),
}

/// The one rule every door asks (settings files and `ASC_WIZARD_CONFIG` in `config::load`,
/// `--config`, `--to`, a setup link's `upload_url`): a platform build sends keys only to its
/// profile's destination. `Some(profile)` when this build's destination is fixed.
pub fn fixed_destination() -> Option<&'static Profile> {
    embedded()
}

/// A door names another destination: fine in the generic build, `destination_fixed` in a
/// platform build.
pub fn other_destination(door: Door<'_>) -> Result<(), Problem> {
    let Some(profile) = fixed_destination() else {
        return Ok(());
    };
    Err(fixed(
        profile,
        &match door {
            Door::SettingsFile(path) => format!("the settings file {}", path.display()),
            Door::Address(to) => format!("the address {}", crate::core::destination::host_of(to)),
        },
    ))
}

/// A platform build was asked to send keys somewhere else (`--config`, `--to`): refused.
fn fixed(profile: &Profile, what: &str) -> Problem {
    Problem::new(
        Code::DestinationFixed,
        format!(
            "This wizard was built for {}: it hands keys only to {}, so {what} cannot change where they go.",
            profile.platform_name,
            crate::core::destination::host_of(&profile.upload_url)
        ),
        "Leave it out. To send a key elsewhere, use the generic ASC Key Wizard.",
    )
}

/// Read and check a profile file as `build.rs` does (the tests check platforms/example.json with it).
pub fn check_text(text: &str, origin: &str) -> Result<Profile, Problem> {
    let profile: Profile = serde_json::from_str(text).map_err(|e| {
        Problem::new(
            Code::ProfileInvalid,
            format!("The profile {origin} is not valid JSON with the expected fields."),
            "Fix the file: docs/platforms-profile.md lists every field.",
        )
        .detail(&e)
    })?;
    match rules::problems(&profile).as_slice() {
        [] => Ok(profile),
        found => Err(Problem::new(
            Code::ProfileInvalid,
            format!(
                "The profile {origin} breaks {} rule(s): {}.",
                found.len(),
                found.join("; ")
            ),
            "Fix each field named, then build again.",
        )),
    }
}

/// What the webview may know of the platform's look: names, colours, logo, help links.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Brand {
    pub platform_name: String,
    pub product_name: String,
    pub accent_light: String,
    pub accent_dark: String,
    pub accent_text_light: &'static str,
    pub accent_text_dark: &'static str,
    /// `data:image/svg+xml;base64,…` (the CSP allows `data:` images only).
    pub logo: Option<String>,
    pub suggested_key_name: Option<String>,
    pub help_links: Vec<rules::HelpLink>,
    pub support_contact: Option<String>,
}

impl From<&Profile> for Brand {
    fn from(p: &Profile) -> Brand {
        use base64ct::{Base64, Encoding};
        let text = |c: &str| rules::text_on(rules::hex_rgb(c).unwrap_or([0, 0, 0]));
        Brand {
            platform_name: p.platform_name.clone(),
            product_name: p.product_name.clone(),
            accent_light: p.accent.light.clone(),
            accent_dark: p.accent.dark.clone(),
            accent_text_light: text(&p.accent.light),
            accent_text_dark: text(&p.accent.dark),
            logo: p.logo_svg.as_ref().map(|svg| {
                format!(
                    "data:image/svg+xml;base64,{}",
                    Base64::encode_string(svg.as_bytes())
                )
            }),
            suggested_key_name: p.suggested_key_name.clone(),
            help_links: p.help_links.clone(),
            support_contact: p.support_contact.clone(),
        }
    }
}

/// The embedded profile's look, for the wizard; `None` in the generic build.
pub fn brand() -> Option<Brand> {
    embedded().map(Brand::from)
}

#[cfg(test)]
mod tests {
    use super::rules::*;
    use super::*;

    #[test]
    fn every_door_asks_the_one_fixed_destination_rule() {
        let path = std::path::Path::new("/tmp/elsewhere.json");
        for door in [
            Door::SettingsFile(path),
            Door::Address("https://elsewhere.example/keys"),
        ] {
            match fixed_destination() {
                None => assert!(
                    other_destination(door).is_ok(),
                    "the generic build takes {door:?}"
                ),
                Some(_) => assert_eq!(
                    other_destination(door).unwrap_err().code,
                    "destination_fixed"
                ),
            }
        }
    }

    fn example() -> Profile {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/platforms/example.json"
        ))
        .unwrap();
        check_text(&text, "example.json").unwrap()
    }

    #[test]
    fn the_example_profile_passes_and_gives_its_destination() {
        let p = example();
        let c = p.config();
        assert_eq!(c.named_platform(), Some("Acme Shops"));
        assert!(c.has_upload() && c.validate().is_ok());
        assert!(rules::problems(&p).is_empty());
    }

    /// One field spoiled on a good profile.
    type Spoil = Box<dyn Fn(&mut Profile)>;

    #[test]
    fn each_rule_names_its_field() {
        let base = example();
        let cases: Vec<(&str, Spoil)> = vec![
            (
                "upload_url",
                Box::new(|p| p.upload_url = "http://dashboard.acme.example/keys".into()),
            ),
            (
                "upload_url",
                Box::new(|p| p.upload_url = "https://user:pw@dashboard.acme.example/".into()),
            ),
            (
                "dashboard_url",
                Box::new(|p| p.dashboard_url = Some("ftp://x.example".into())),
            ),
            (
                "help_links.url",
                Box::new(|p| p.help_links[0].url = "javascript:alert(1)".into()),
            ),
            (
                "accent.light",
                Box::new(|p| p.accent.light = "#7aa7ff".into()),
            ),
            (
                "accent.dark",
                Box::new(|p| p.accent.dark = "#1f5fd6".into()),
            ),
            ("accent.light", Box::new(|p| p.accent.light = "blue".into())),
            (
                "identifier",
                Box::new(|p| p.identifier = GENERIC_IDENTIFIER.into()),
            ),
            ("identifier", Box::new(|p| p.identifier = "acme".into())),
            (
                "setup_link_scheme",
                Box::new(|p| p.setup_link_scheme = Some("https".into())),
            ),
            (
                "setup_link_scheme",
                Box::new(|p| p.setup_link_scheme = None),
            ),
            (
                "setup_link_scheme",
                Box::new(|p| p.setup_link_scheme = Some("asc-key-wizard".into())),
            ),
            (
                "setup_link_scheme",
                Box::new(|p| p.setup_link_scheme = Some("Asc-Key-Wizard".into())),
            ),
            (
                "required_capabilities",
                Box::new(|p| p.required_capabilities = vec!["everything".into()]),
            ),
            ("platform_name", Box::new(|p| p.platform_name = " ".into())),
            (
                "logo",
                Box::new(|p| p.logo_svg = Some("<svg onload=\"x()\"></svg>".into())),
            ),
            (
                "logo",
                Box::new(|p| p.logo_svg = Some("<svg><script>x()</script></svg>".into())),
            ),
            (
                "logo",
                Box::new(|p| {
                    p.logo_svg = Some("<svg><image href=\"https://t.example/x.png\"/></svg>".into())
                }),
            ),
        ];
        for (field, change) in cases {
            let mut p = base.clone();
            change(&mut p);
            let found = rules::problems(&p);
            assert!(
                found.iter().any(|f| f.starts_with(&format!("{field}:"))),
                "{field}: {found:?}"
            );
        }
        let mut p = base.clone();
        p.logo_svg = Some("<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\" fill=\"#000\" transform=\"rotate(1)\"/></svg>".into());
        assert!(rules::problems(&p).is_empty(), "{:?}", rules::problems(&p));
    }

    #[test]
    fn a_release_build_refuses_http_in_any_case_and_another_profiles_scheme() {
        let mut p = example();
        for http in [
            "http://127.0.0.1:47615/upload",
            "HTTP://127.0.0.1:47615/upload",
            "Http://localhost/upload",
        ] {
            p.upload_url = http.into();
            assert!(
                build_problems(&p, &[], false)
                    .iter()
                    .any(|f| f.starts_with("upload_url: http://")),
                "{http}"
            );
            assert!(
                build_problems(&p, &[], true).is_empty(),
                "{http} in a test build: {:?}",
                build_problems(&p, &[], true)
            );
        }
        let p = example();
        let known = vec![
            ("example.other.keys".to_owned(), "acme-keys".to_owned()),
            (p.identifier.clone(), "acme-keys".to_owned()),
        ];
        let found = build_problems(&p, &known, false);
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("setup_link_scheme:") && f.contains("example.other.keys")),
            "{found:?}"
        );
        // The same platform's test profile (same identifier) may share its scheme.
        assert!(build_problems(&p, &known[1..], false).is_empty());
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert!((contrast([0x76, 0x76, 0x76], [255, 255, 255]) - 4.54).abs() < 0.01);
        assert_eq!(text_on([0x1f, 0x5f, 0xd6]), "#ffffff");
        assert_eq!(text_on([0x7a, 0xa7, 0xff]), "#0d1320");
    }

    #[test]
    fn a_malformed_profile_is_a_profile_problem() {
        let p = check_text("{\"platform_name\": 1}", "x.json").unwrap_err();
        assert_eq!(p.code, Code::ProfileInvalid);
        assert!(p.detail.is_some());
    }
}
