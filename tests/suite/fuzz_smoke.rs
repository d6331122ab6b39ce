//! A short, bounded run of every fuzz target on stable: the seeds, then mutated and random bytes
//! from a fixed-seed generator, through the same bodies libFuzzer runs (`src-tauri/fuzz/src/lib.rs`).
//! The long campaign is `scripts/fuzz.sh`; this keeps every target alive in the test command.

use crate::support::fuzz_seeds;
use crate::support::targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// Mutated inputs per target, and random-byte inputs per target: a few seconds in a debug build.
const MUTATIONS: usize = 5000;
const RANDOM: usize = 1000;

const FUZZ_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src-tauri/fuzz");

/// xorshift64*: deterministic, so a failure here fails the same way on every machine.
struct Rng(u64);

impl Rng {
    fn new(name: &str) -> Rng {
        Rng(name.bytes().fold(0x9E37_79B9_7F4A_7C15, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01B3)
        }) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The tokens of a libFuzzer dictionary (`"..."` lines with `\\`, `\"` and `\xHH` escapes).
fn dictionary(target: &str) -> Vec<Vec<u8>> {
    let text =
        std::fs::read_to_string(format!("{FUZZ_DIR}/dict/{target}.dict")).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            l.trim()
                .strip_suffix('"')?
                .split_once('"')
                .map(|(_, s)| s.to_owned())
        })
        .map(|s| {
            let (mut out, b) = (Vec::new(), s.as_bytes());
            let mut i = 0;
            while i < b.len() {
                match (b[i], b.get(i + 1)) {
                    (b'\\', Some(b'x')) => {
                        out.push(u8::from_str_radix(&s[i + 2..i + 4], 16).unwrap());
                        i += 4;
                    }
                    (b'\\', Some(&c)) => {
                        out.push(c);
                        i += 2;
                    }
                    (c, _) => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            out
        })
        .collect()
}

/// Bytes the parsers treat specially: NUL, not UTF-8, DEL, a lone continuation byte, line ends,
/// quotes, escapes, PEM dashes, base64 padding, JSON.
const SPECIAL: &[u8] = b"\0\xFF\x7F\x80\n\r\"\\-={";

/// One to four libFuzzer-like edits: bit flips, special bytes, inserts, deletes, repeats (long
/// lines), splices from other seeds, dictionary tokens, truncation.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], dict: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        let byte = at.min(b.len().saturating_sub(1));
        match rng.below(8) {
            0 if !b.is_empty() => b[byte] ^= 1 << rng.below(8),
            1 if !b.is_empty() => b[byte] = SPECIAL[rng.below(SPECIAL.len())],
            2 => {
                let n = 1 + rng.below(8);
                b.splice(at..at, rng.bytes(n));
            }
            3 => drop(b.drain(at..(at + 1 + rng.below(64)).min(b.len()))),
            4 => {
                let piece = b[at..(at + 1 + rng.below(80)).min(b.len())].repeat(1 + rng.below(200));
                b.splice(at..at, piece);
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                b.splice(
                    at..at,
                    other[from..(from + rng.below(128)).min(other.len())].to_vec(),
                );
            }
            6 if !dict.is_empty() => drop(b.splice(at..at, dict[rng.below(dict.len())].clone())),
            _ => b.truncate(at),
        }
    }
    b
}

/// Run `body` on `input`; a panic fails the test with the input written out for a regression test.
fn run(name: &str, body: fn(&[u8]), input: &[u8]) {
    if catch_unwind(AssertUnwindSafe(|| body(input))).is_err() {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-smoke-crashes");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(name);
        std::fs::write(&file, input).unwrap();
        let shown = &input[..input.len().min(300)];
        panic!(
            "target {name} panicked on {} bytes (saved to {}): {shown:?}",
            input.len(),
            file.display()
        );
    }
}

#[test]
fn every_target_survives_its_seeds_mutations_and_random_bytes() {
    for &(name, body) in targets::TARGETS {
        let seeds = fuzz_seeds::seeds(name);
        assert!(!seeds.is_empty(), "{name} has no seeds");
        for seed in &seeds {
            run(name, body, seed);
        }
        let dict = dictionary(name);
        let mut rng = Rng::new(name);
        for _ in 0..MUTATIONS {
            run(name, body, &mutate(&mut rng, &seeds, &dict));
        }
        for i in 0..RANDOM {
            // Mostly short inputs; every 50th one long (a 20 kB line, or over the 64 KiB key cap).
            let len = if i % 50 == 49 {
                [20_000, 64 * 1024 + 1][i / 50 % 2]
            } else {
                rng.below(512)
            };
            run(name, body, &rng.bytes(len));
        }
    }
}

/// Every target has its `fuzz_targets/<name>.rs`, a `[[bin]]` and a dictionary, and nothing else
/// is there: the list the smoke runs is the list libFuzzer runs.
#[test]
fn the_smoke_runs_exactly_the_fuzz_crates_targets() {
    let manifest = std::fs::read_to_string(format!("{FUZZ_DIR}/Cargo.toml")).unwrap();
    let bins = manifest.matches("[[bin]]").count();
    assert_eq!(bins, targets::TARGETS.len(), "one [[bin]] per target");
    let files = std::fs::read_dir(format!("{FUZZ_DIR}/fuzz_targets"))
        .unwrap()
        .count();
    assert_eq!(
        files,
        targets::TARGETS.len(),
        "one fuzz_targets file per target"
    );
    for (name, _) in targets::TARGETS {
        assert!(
            manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
            "{name}"
        );
        assert!(!dictionary(name).is_empty(), "{name} has no dictionary");
    }
}

/// The corpus `scripts/fuzz.sh` starts from (`examples/fuzz_seeds.rs` writes it with the same
/// function): a folder per target holding every seed, and the key check's folder opens with a key
/// the check accepts, so libFuzzer starts from the real thing.
#[test]
fn the_seed_corpus_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let names = targets::TARGETS.iter().map(|&(name, _)| name);
    let written = fuzz_seeds::write_corpus(dir.path(), names).unwrap();
    assert_eq!(written.len(), targets::TARGETS.len(), "a folder per target");
    for (name, count) in written {
        let files = std::fs::read_dir(dir.path().join(name)).unwrap().count();
        assert!(count > 0, "{name} has no seeds");
        assert_eq!(files, count, "{name}: every seed written");
    }
    let first = dir.path().join("key_check").join("seed-000");
    let report = asc_key_wizard::core::key::check_path(&first, None, None, Default::default())
        .unwrap()
        .report;
    assert!(
        report.ok,
        "the first key_check seed is a good key: {:?}",
        report.problems
    );
}
