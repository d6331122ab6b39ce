//! The wizard's hands on the download: the folder watch (`watch.rs`, the `notify` crate) and the
//! move to the Trash (`trash.rs`, the `trash` crate). Every rule they follow (which folders, what
//! counts as a download, when the Trash is offered, the safe copy read back) is
//! `core::downloads`', compiled in the headless build too.

mod trash;
mod watch;

pub use trash::move_to_trash;
pub use watch::DownloadWatch;
