//! How to ask Apple: `VerifyOptions` (where, time limits, retries, body cap, token lifetime, what a 401's follow-ups may try) and the wait before each retry.

use crate::core::token::Lifetime;
use std::time::Duration;

/// Where and how to ask. `Default` holds the production values; tests shrink
/// the timeouts and backoff to stay fast.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// `--api-base`; `None` falls back to `ASC_API_BASE`, then `DEFAULT_API_BASE`.
    pub api_base: Option<String>,
    /// TCP + TLS connect (10 s).
    pub connect_timeout: Duration,
    /// One whole request, body included (20 s).
    pub request_timeout: Duration,
    /// The whole run, retries and probes included (45 s).
    pub run_budget: Duration,
    /// Waits before the 2nd, 3rd… try after a 429 without `Retry-After` or a 5xx (1 s, 2 s, 4 s).
    pub backoff: Vec<Duration>,
    /// Tries of the check request, all reasons together (3).
    pub max_tries: u32,
    /// Response bodies larger than this are refused unread (1 MiB).
    pub max_body_bytes: usize,
    /// Token lifetime (5 minutes).
    pub token_lifetime: Lifetime,
    /// Run the capability probes after a successful check (true).
    pub probe_capabilities: bool,
    /// The Key ID in the key's file name (`AuthKey_<ID>.p8`): tried after a 401 when it is not
    /// the one given.
    pub file_key_id: Option<String>,
    /// An Issuer ID to try a key given as individual with, as a team key, after a 401.
    pub issuer_id_to_try: Option<String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            api_base: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(20),
            run_budget: Duration::from_secs(45),
            backoff: vec![
                Duration::from_secs(1),
                Duration::from_secs(2),
                Duration::from_secs(4),
            ],
            max_tries: 3,
            max_body_bytes: 1024 * 1024,
            token_lifetime: Lifetime::DEFAULT,
            probe_capabilities: true,
            file_key_id: None,
            issuer_id_to_try: None,
        }
    }
}

impl VerifyOptions {
    /// These options with what the 401 follow-ups may try for a key read from `file_name`: the
    /// Key ID in `AuthKey_<ID>.p8`.
    pub fn for_file(mut self, file_name: Option<&str>) -> Self {
        self.file_key_id = file_name
            .and_then(crate::core::ids::key_id_from_file_name)
            .and_then(|raw| crate::core::ids::normalize_key_id(&raw).ok())
            .map(|n| n.value);
        self
    }
}

pub(super) fn backoff(opts: &VerifyOptions, attempt: u32) -> Duration {
    let i = (attempt as usize).saturating_sub(1);
    opts.backoff
        .get(i)
        .or(opts.backoff.last())
        .copied()
        .unwrap_or(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_and_bounds() {
        let opts = VerifyOptions::default();
        assert_eq!(backoff(&opts, 1), Duration::from_secs(1));
        assert_eq!(backoff(&opts, 2), Duration::from_secs(2));
        assert_eq!(backoff(&opts, 9), Duration::from_secs(4));
        assert_eq!(opts.max_body_bytes, 1 << 20);
        assert!(
            opts.request_timeout <= opts.run_budget && opts.run_budget <= Duration::from_secs(45)
        );
    }
}
