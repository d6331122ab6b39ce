//! Writes the fuzz targets' seed corpus: `cargo run --example fuzz_seeds -- <dir>` makes
//! `<dir>/<target>/seed-NNN` for every target of `src-tauri/fuzz/src/lib.rs`, from the seeds
//! `tests/support/fuzz_seeds.rs` generates (fresh keys every time, so the corpus exists only at
//! run time, never in the repository). `scripts/fuzz.sh` runs it before the campaign;
//! `tests/suite/fuzz_smoke.rs` checks the same writer.

#[path = "../tests/support/fuzz_seeds.rs"]
mod fuzz_seeds;
#[path = "../tests/support/keys.rs"]
#[allow(dead_code)] // only the seeds' part of the test helpers
mod keys;
#[path = "../src-tauri/fuzz/src/lib.rs"]
mod targets;
#[path = "../tests/support/wild.rs"]
#[allow(dead_code)] // only the seeds' part of the test helpers
mod wild;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: cargo run --example fuzz_seeds -- <corpus dir>");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let names = targets::TARGETS.iter().map(|&(name, _)| name);
    match fuzz_seeds::write_corpus(&dir, names) {
        Ok(written) => {
            for (name, count) in written {
                println!("{count:4} seeds  {}", dir.join(name).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing the corpus under {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
