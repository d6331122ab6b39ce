//! Reading one setup link: its fields (`token`, `account`, generic build's `upload_url`), each refusal worded without echoing the link, the account name sanitised.

use crate::core::problem::Code;
use crate::core::Problem;
use zeroize::Zeroizing;

/// A link as it arrived: the token stays in Rust.
pub struct SetupLink {
    pub(super) token: Zeroizing<String>,
    /// The merchant's account on the dashboard, as the dashboard names it ("Blue Shoes Ltd").
    pub account: Option<String>,
    /// Generic build only: where the link asks the key to go (the merchant confirms its host).
    pub upload_url: Option<String>,
}

impl std::fmt::Debug for SetupLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupLink")
            .field("token", &"<redacted>")
            .field("account", &self.account)
            .field("upload_url", &self.upload_url)
            .finish()
    }
}

/// Longest account name shown from a link.
pub const MAX_ACCOUNT_CHARS: usize = 80;

pub(super) fn refused(message: impl Into<String>) -> Problem {
    Problem::new(Code::SetupLinkInvalid, message, "Nothing was sent. Open the setup link again from your dashboard, or paste the setup code by hand.")
}

/// Read a link. `platform_build`: a destination in it is refused (the profile's is the only one).
/// No value of the link is ever put into a message: it may be crafted to read as something else.
pub fn parse(raw: &str, scheme: &str, platform_build: bool) -> Result<SetupLink, Problem> {
    let url = url::Url::parse(raw.trim())
        .map_err(|_| refused("The setup link could not be read: it is not a link."))?;
    if !url.scheme().eq_ignore_ascii_case(scheme) {
        return Err(refused(format!(
            "The link is not a setup link for this wizard (it should start with {scheme}://)."
        )));
    }
    if url.host_str() != Some("setup")
        || !matches!(url.path(), "" | "/")
        || url.fragment().is_some()
    {
        return Err(refused(format!(
            "The setup link is damaged: it should read {scheme}://setup?token=…."
        )));
    }
    let (mut token, mut account, mut upload_url) = (None::<Zeroizing<String>>, None, None);
    for (name, value) in url.query_pairs() {
        let (slot_taken, field) = match name.as_ref() {
            "token" => (
                token.replace(Zeroizing::new(value.into_owned())).is_some(),
                "token",
            ),
            "account" => (account.replace(value.into_owned()).is_some(), "account"),
            "upload_url" => (
                upload_url.replace(value.into_owned()).is_some(),
                "upload_url",
            ),
            _ => (false, ""), // newer dashboards may add fields; they change nothing here
        };
        if slot_taken {
            return Err(refused(format!(
                "The setup link names \"{field}\" twice, so it cannot be trusted."
            )));
        }
    }
    let token = token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| refused("The setup link holds no setup code."))?;
    if token.len() > 512 || !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(refused("The setup code in the link is not a setup code (too long, or with spaces or other characters)."));
    }
    if account
        .as_ref()
        .is_some_and(|a| a.chars().count() > MAX_ACCOUNT_CHARS)
    {
        return Err(refused("The account name in the setup link is too long."));
    }
    // Control, bidi and other format characters could make one name display as another.
    let account = account
        .map(|a| crate::core::text::shown(&a, MAX_ACCOUNT_CHARS))
        .filter(|a| !a.is_empty());
    if let Some(u) = &upload_url {
        if platform_build {
            return Err(refused(
                "The setup link names an upload address, which this wizard never takes from a link: it sends keys only to its own platform.",
            ));
        }
        crate::core::config::validate_destination_url(u, "upload address in the setup link")?;
    }
    Ok(SetupLink {
        token,
        account,
        upload_url,
    })
}
