//! The setup link a dashboard opens: `<scheme>://setup?token=…&account=…` (see
//! `docs/platforms-profile.md`). Its token is kept here like a pasted one — never logged, never
//! sent to the webview, wiped after use — and a link whose token was used is refused. Anyone can
//! make such a link, so a later one never replaces a pending one: the merchant chooses.
//!
//! `link.rs` reads one link, `links.rs` keeps the ones waiting; this file has the scheme, which
//! code an upload sends (`choose`), and the link among the process's arguments.

mod link;
mod links;

pub use link::{parse, SetupLink, MAX_ACCOUNT_CHARS};
pub use links::{LinkChoice, LinkInfo, LinkToken, Links, Pick, MAX_PENDING};

use crate::core::destination::host_of;
use crate::core::problem::Code;
use crate::core::Problem;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The generic build's scheme; a platform build uses its profile's `setup_link_scheme`.
pub const GENERIC_SCHEME: &str = crate::core::profile::rules::GENERIC_SCHEME;

/// The scheme this build answers to.
pub fn scheme() -> &'static str {
    crate::core::profile::embedded()
        .and_then(|p| p.setup_link_scheme.as_deref())
        .unwrap_or(GENERIC_SCHEME)
}

/// The hash a used code is remembered by.
pub fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn choice_needed() -> Problem {
    Problem::new(
        Code::SetupLinkChoiceNeeded,
        "More than one setup link is waiting, and you have not chosen which one to use.",
        "Nothing was sent. Choose the setup link you opened yourself; if you are not sure, close the wizard and ask your platform.",
    )
}

/// What one upload sends: the code, the link's own upload address (`--to`; generic build), and
/// the hash of the link's code when that is the code sent (for `Links::used`).
pub type Chosen = (Zeroizing<String>, Option<String>, Option<[u8; 32]>);

/// The token and destination for one upload: a pasted code wins over the links; with several
/// links pending the merchant must have chosen one; a link naming its own upload address needs
/// exactly that host confirmed. Returns (token, `--to` address, the hash of the link's code if
/// the link's code is the one sent).
pub fn choose(
    pasted: Zeroizing<String>,
    pick: Pick,
    confirmed_host: Option<&str>,
) -> Result<Chosen, Problem> {
    if !pasted.trim().is_empty() {
        return Ok((pasted, None, None));
    }
    let link = match pick {
        Pick::NoLink => return Ok((pasted, None, None)),
        Pick::Undecided => return Err(choice_needed()),
        Pick::One(link) => link,
    };
    if let Some(url) = &link.upload_url {
        let host = crate::core::text::shown(&host_of(url), 120);
        if confirmed_host != Some(host.as_str()) {
            return Err(Problem::new(
                Code::DestinationUnconfirmed,
                format!("The setup link asks to send the key to {host}, which you have not confirmed."),
                format!("Nothing was sent. Tick “Send it to {host}” if that is your platform's address; otherwise close the wizard and ask your platform."),
            ));
        }
    }
    Ok((link.token, link.upload_url, Some(link.sent)))
}

/// The first argument that is a link for `scheme` (how Linux and Windows hand a link to the app).
pub fn in_args(args: impl IntoIterator<Item = String>, scheme: &str) -> Option<String> {
    let prefix = format!("{scheme}:");
    args.into_iter().find(|a| {
        a.len() > prefix.len()
            && a.is_char_boundary(prefix.len())
            && a[..prefix.len()].eq_ignore_ascii_case(&prefix)
    })
}

/// This process's arguments as text, skipping any that are not UTF-8 (`std::env::args` would
/// panic on those; a file path may well be one, and it is never a link).
pub fn process_args() -> impl Iterator<Item = String> {
    std::env::args_os().filter_map(|a| a.into_string().ok())
}

#[cfg(test)]
mod tests;
