//! Where keys are handed on: the destination config (see `docs/config.md`).
//!
//! Precedence: `--config PATH` > `$ASC_WIZARD_CONFIG` > `config.json` in the
//! app's config folder > the embedded default (no destination: the wizard then
//! offers exports and the guided hand-off only). A platform build reads none of
//! these: its profile, compiled in, is the only destination.

use crate::core::destination::{has_user_info, is_loopback, redact};
use crate::core::fsutil::{read_regular, ReadError};
use crate::core::problem::{Code, WayOut};
use crate::core::text::io_plain;
use crate::core::Problem;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use url::Url;

/// Environment variable naming a config file.
pub const ENV_VAR: &str = "ASC_WIZARD_CONFIG";
/// File name looked for in the app's config folder.
pub const FILE_NAME: &str = "config.json";
/// Config files are tiny; refuse anything bigger than this.
const MAX_CONFIG_BYTES: u64 = 64 * 1024;

/// The embedded default: no destination.
pub const DEFAULT_CONFIG_JSON: &str = r#"{
  "platform_name": null,
  "upload_url": null,
  "token_label": "setup token",
  "dashboard_url": null,
  "support_contact": null,
  "required_capabilities": []
}"#;

/// A destination platform. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Shown to the user, e.g. "Acme Shops".
    #[serde(default)]
    pub platform_name: Option<String>,
    /// Where `upload` POSTs the key (https, or http on loopback for tests).
    #[serde(default)]
    pub upload_url: Option<String>,
    /// What the platform calls the token the merchant pastes ("setup token").
    #[serde(default)]
    pub token_label: Option<String>,
    /// The platform's settings page, opened in the guided hand-off.
    #[serde(default)]
    pub dashboard_url: Option<String>,
    /// An email address or URL for help.
    #[serde(default)]
    pub support_contact: Option<String>,
    /// What the key must be able to do, e.g. `["signing"]`.
    #[serde(default)]
    pub required_capabilities: Vec<String>,
}

impl Config {
    /// The dashboard's settings page, if set and valid.
    pub fn dashboard(&self) -> Option<url::Url> {
        self.dashboard_url
            .as_deref()
            .and_then(|u| validate_destination_url(u, "dashboard_url").ok())
    }

    /// The token label, defaulting to "setup token".
    pub fn token_label(&self) -> &str {
        self.token_label
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("setup token")
    }

    /// "your platform" when no name is configured.
    pub fn platform_name(&self) -> &str {
        self.named_platform().unwrap_or("your platform")
    }

    /// The platform's own name, when the settings give one.
    pub fn named_platform(&self) -> Option<&str> {
        self.platform_name
            .as_deref()
            .filter(|s| !s.trim().is_empty())
    }

    /// True when an upload destination is configured.
    pub fn has_upload(&self) -> bool {
        self.upload_url.is_some()
    }

    /// Whether `required_capabilities` contains `name` (e.g. "signing").
    pub fn requires(&self, name: &str) -> bool {
        self.required_capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }

    /// Check the URLs (a config that parsed may still be unusable).
    pub fn validate(&self) -> Result<(), Problem> {
        if let Some(u) = &self.upload_url {
            validate_destination_url(u, "upload_url")?;
        }
        if let Some(u) = &self.dashboard_url {
            validate_destination_url(u, "dashboard_url")?;
        }
        Ok(())
    }
}

/// Where the config came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "snake_case")]
pub enum ConfigSource {
    /// `--config PATH`
    Flag(#[serde(serialize_with = "crate::core::text::serialize_path")] PathBuf),
    /// `$ASC_WIZARD_CONFIG`
    Env(#[serde(serialize_with = "crate::core::text::serialize_path")] PathBuf),
    /// `config.json` in the app's config folder.
    AppDir(#[serde(serialize_with = "crate::core::text::serialize_path")] PathBuf),
    /// The embedded default.
    Default,
    /// The platform profile compiled into this build (no file or variable is read).
    Profile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadedConfig {
    pub config: Config,
    pub source: ConfigSource,
}

/// The embedded default (no destination).
pub fn default_config() -> Config {
    serde_json::from_str(DEFAULT_CONFIG_JSON).expect("embedded default config is valid")
}

/// Load by precedence. `explicit` is `--config PATH`. A file that was named
/// (flag or env) must exist; the app-folder file is optional.
pub fn load(explicit: Option<&Path>) -> Result<LoadedConfig, Problem> {
    if let Some(path) = explicit {
        crate::core::profile::other_destination(crate::core::profile::Door::SettingsFile(path))?;
    }
    if let Some(profile) = crate::core::profile::fixed_destination() {
        if std::env::var_os(ENV_VAR).is_some_and(|v| !v.is_empty()) {
            log::info!("{ENV_VAR} is ignored: this build's destination is compiled in");
        }
        return Ok(LoadedConfig {
            config: profile.config(),
            source: ConfigSource::Profile,
        });
    }
    if let Some(path) = explicit {
        return load_file(path).map(|config| LoadedConfig {
            config,
            source: ConfigSource::Flag(path.to_owned()),
        });
    }
    if let Some(v) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(v);
        return load_file(&path).map(|config| LoadedConfig {
            config,
            source: ConfigSource::Env(path),
        });
    }
    if let Ok(dir) = crate::core::vault::app_config_dir() {
        let path = dir.join(FILE_NAME);
        if path.is_file() {
            return load_file(&path).map(|config| LoadedConfig {
                config,
                source: ConfigSource::AppDir(path),
            });
        }
    }
    Ok(LoadedConfig {
        config: default_config(),
        source: ConfigSource::Default,
    })
}

/// Read, parse and validate one file (a regular file of at most `MAX_CONFIG_BYTES`: a FIFO or
/// `/dev/zero` is refused, never read).
pub fn load_file(path: &Path) -> Result<Config, Problem> {
    let unreadable = |why: String| {
        Problem::new(
            Code::ConfigUnreadable,
            format!("The settings file {} could not be read: {why}.", path.display()),
            "Check the settings file's path: it must name the small JSON file your platform gave you.",
        )
        .way_out(WayOut::ConfigPath)
    };
    let bytes = match read_regular(path, MAX_CONFIG_BYTES) {
        Ok(b) => b,
        Err(ReadError::NotFound) => return Err(unreadable("there is no such file".into())),
        Err(ReadError::NotRegular) => return Err(unreadable("it is not a regular file".into())),
        Err(ReadError::Io(e)) => return Err(unreadable(io_plain(&e).into()).detail(&e)),
        Err(ReadError::TooLarge) => {
            return Err(Problem::new(
                Code::ConfigInvalid,
                format!(
                    "The settings file {} is too big to be a settings file.",
                    path.display()
                ),
                "Use the small JSON file your platform gave you as the settings file.",
            )
            .way_out(WayOut::ConfigPath))
        }
    };
    let text =
        std::str::from_utf8(&bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
    parse(text, &path.display().to_string())
}

/// Parse and validate config text; `origin` names it in messages.
pub fn parse(text: &str, origin: &str) -> Result<Config, Problem> {
    let config: Config =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            Problem::new(
            Code::ConfigInvalid,
            format!("The settings file {origin} is not valid JSON with the expected fields."),
            "Fix the file (see docs/config.md for the fields), or ask your platform for a new one.",
        )
        .detail(&e)
        })?;
    config.validate()?;
    Ok(config)
}

/// An `https` URL, or `http` only to a loopback address (local tests).
pub fn validate_destination_url(raw: &str, field: &str) -> Result<Url, Problem> {
    let shown = redact(raw);
    let bad = |why: &str| {
        Problem::new(
            Code::ConfigInvalidUrl,
            format!("The {field} \"{shown}\" cannot be used: {why}."),
            "Use the https:// address your platform gave you.",
        )
    };
    let url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if has_user_info(&url) {
        return Err(bad("it must not contain a user name or password"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "plain http is not allowed, the key would travel unencrypted",
            ))
        }
        other => return Err(bad(&format!("\"{other}\" is not a web address"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host name"));
    }
    Ok(url)
}

// Here, not in `profile`: the profile is a leaf that knows nothing of settings files; the config
// is where a profile and a settings file become the one destination the app uses.
impl crate::core::profile::Profile {
    /// The destination as the rest of the app knows it. In a platform build this is the only
    /// source: no settings file or environment variable is read.
    pub fn config(&self) -> Config {
        Config {
            platform_name: Some(self.platform_name.clone()),
            upload_url: Some(self.upload_url.clone()),
            token_label: self.token_label.clone(),
            dashboard_url: self.dashboard_url.clone(),
            support_contact: self.support_contact.clone(),
            required_capabilities: self.required_capabilities.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_source_path_that_is_not_utf8_serialises() {
        use std::os::unix::ffi::OsStrExt;
        let path = PathBuf::from(std::ffi::OsStr::from_bytes(b"/tmp/caf\xe9/config.json"));
        let v = serde_json::to_value(ConfigSource::Env(path)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "env", "path": "/tmp/caf\u{fffd}/config.json"})
        );
    }

    #[test]
    fn default_has_no_destination() {
        let c = default_config();
        assert!(!c.has_upload());
        assert_eq!(c.token_label(), "setup token");
        assert_eq!(c.platform_name(), "your platform");
    }

    #[test]
    fn urls_must_be_https_except_loopback() {
        assert!(validate_destination_url("https://example.com/upload", "upload_url").is_ok());
        assert!(validate_destination_url("http://127.0.0.1:8080/u", "upload_url").is_ok());
        assert!(validate_destination_url("http://[::1]:8080/u", "upload_url").is_ok());
        assert!(validate_destination_url("http://localhost/u", "upload_url").is_ok());
        for bad in [
            "http://example.com/u",
            "ftp://example.com",
            "not a url",
            "https://u:p@example.com/",
            "http://user:secret@127.0.0.1:8080/u",
            // A trailing dot sends the name to DNS: not this computer.
            "http://localhost.:8080/u",
        ] {
            let p = validate_destination_url(bad, "upload_url").unwrap_err();
            assert_eq!(p.code, "config_invalid_url", "{bad}");
            assert!(
                !p.message.contains("secret") && !p.message.contains(":p@"),
                "{}",
                p.message
            );
        }
    }

    #[test]
    fn parses_and_rejects() {
        let c = parse(
            r#"{"platform_name":"Acme","upload_url":"https://acme.test/keys","required_capabilities":["signing"]}"#,
            "t",
        )
        .unwrap();
        assert!(c.requires("signing") && c.has_upload());
        assert_eq!(
            parse(r#"{"uplod_url":"x"}"#, "t").unwrap_err().code,
            "config_invalid"
        );
        assert_eq!(
            parse(r#"{"upload_url":"http://acme.test"}"#, "t")
                .unwrap_err()
                .code,
            "config_invalid_url"
        );
    }
}
