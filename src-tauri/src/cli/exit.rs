//! How a subcommand ends: the class of what happened, or a failure that `cli::run` prints once;
//! the class alone picks the process exit code (`core::problem::Class::exit_code`).

use crate::core::problem::Class;
use crate::core::Problem;

/// What a subcommand returns.
pub type Outcome = Result<Class, Failure>;

/// Why a subcommand stopped before its normal output.
#[derive(Debug)]
pub enum Failure {
    /// Printed once by `cli::run` (JSON `{"error": …}` or stderr); its class picks the exit code.
    Problem(Problem),
    /// The subcommand's own output already says why (a failed check report).
    Reported(Class),
}

impl From<Problem> for Failure {
    fn from(p: Problem) -> Failure {
        Failure::Problem(p)
    }
}
