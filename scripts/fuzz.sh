#!/usr/bin/env bash
# The libFuzzer campaign: every cargo-fuzz target in src-tauri/fuzz (or the ones named), one after
# the other, each bounded by time and/or executions.
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [target...]
#
# --time is per target (default 60 s), --runs bounds executions per target (libFuzzer -runs=N);
# with both, whichever comes first ends the target. Needs the nightly toolchain (cargo-fuzz
# instruments with nightly-only flags); installs cargo-fuzz, pinned, under target/tools. Seeds are
# generated first (examples/fuzz_seeds.rs: fresh keys in every form, never committed) into
# target/fuzz-corpus/<target>/, which libFuzzer then grows. Prints executions, coverage (cov/ft)
# and crash or not per target; exits 1 if any target crashed (the input is in
# target/fuzz-artifacts/<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cargo_fuzz_version=0.13.2
time_s=60
runs=
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time_s=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1 (see scripts/fuzz.sh --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "error: scripts/fuzz.sh needs the Rust nightly toolchain (cargo-fuzz uses nightly-only" >&2
  echo "       sanitizer flags). Install it with: rustup toolchain install nightly" >&2
  exit 1
fi

tools="$root/target/tools/cargo-fuzz"
if [ "$("$tools/bin/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]; then
  echo "==> installing cargo-fuzz $cargo_fuzz_version into $tools"
  cargo install --locked "cargo-fuzz@$cargo_fuzz_version" --root "$tools"
fi
export PATH="$tools/bin:$PATH"

fuzz=(cargo +nightly fuzz)
common=(--fuzz-dir src-tauri/fuzz --target-dir target/fuzz)
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <("${fuzz[@]}" list "${common[@]:0:2}")
fi

echo "==> seeds: every generated key form, IDs, Apple's answers, configs, indexes -> target/fuzz-corpus"
cargo run --quiet --no-default-features --example fuzz_seeds -- "$root/target/fuzz-corpus"

echo "==> building the fuzz targets (nightly, AddressSanitizer, debug assertions)"
"${fuzz[@]}" build "${common[@]}"

mkdir -p target/fuzz-logs
limits=(-max_total_time="$time_s")
[ -n "$runs" ] && limits+=(-runs="$runs")
results=()
crashed=0
for t in "${targets[@]}"; do
  corpus="target/fuzz-corpus/$t"
  artifacts="target/fuzz-artifacts/$t/"
  log="target/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [ -f "src-tauri/fuzz/dict/$t.dict" ] && dict=(-dict="src-tauri/fuzz/dict/$t.dict")
  echo "==> $t (${limits[*]}) log: $log"
  started=$(date +%s)
  status=0
  "${fuzz[@]}" run "${common[@]}" "$t" "$corpus" -- "${limits[@]}" "${dict[@]}" \
    -print_final_stats=1 -timeout=25 -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
  secs=$(( $(date +%s) - started ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  # The last status line (`#N DONE cov: C ft: F ...`, or the last pulse before a crash).
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  if [ "$status" -eq 0 ]; then
    result="no crash"
  else
    result="CRASH (exit $status, see $log and $artifacts)"
    crashed=1
  fi
  results+=("$(printf '%-18s %12s %7s %7s %6ss  %s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$secs" "$result")")
  echo "    ${results[-1]}"
done

echo
printf '%-18s %12s %7s %7s %7s  %s\n' target executions cov ft time result
printf '%s\n' "${results[@]}"
exit "$crashed"
