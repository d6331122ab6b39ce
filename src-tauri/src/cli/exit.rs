//! Process exit codes, shared by every subcommand.

/// The key is usable / the action succeeded.
pub const OK: i32 = 0;
/// The key is not usable (offline check failed), or the input could not be read.
pub const NOT_USABLE: i32 = 1;
/// Bad arguments (clap uses 2 as well).
pub const USAGE: i32 = 2;
/// Apple answered and rejected the key.
pub const REJECTED: i32 = 3;
/// No usable answer from Apple or the dashboard (network, rate limit, outage).
pub const NO_ANSWER: i32 = 4;
/// The keychain or local storage failed.
pub const STORAGE: i32 = 5;
