#!/usr/bin/env bash
# Type-check the Windows build on this Debian machine, for the GUI and the headless feature sets,
# so a change that breaks Windows fails the test command here instead of a merchant's install.
# Uses Debian's rustc-web toolchain (it ships the std sources) with the MinGW linker tools; rustup's
# toolchain has no Windows std, and none can be downloaded here.
# RUSTC_BOOTSTRAP=1 unlocks -Zbuild-std on that stable compiler. That is acceptable here because
# this step only type-checks (`cargo check`): nothing it produces is run or shipped.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/apt-install.sh rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64

# Full paths: rustup's cargo and rustc come first on PATH and have no Windows std.
check=(env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/windows-check
       /usr/bin/cargo check -Zbuild-std=std,panic_abort --target x86_64-pc-windows-gnu
       --lib --bins --locked)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() { # run LABEL [cargo args]: fails on an error or on any warning in this crate's code
  local label=$1; shift
  echo "==> Windows type-check, $label ($(/usr/bin/rustc --version))"
  local status=0
  "${check[@]}" "$@" >"$log" 2>&1 || status=$?
  grep -v -E '^\s+(Compiling|Checking|Fresh)' "$log" || true
  [ "$status" -eq 0 ] || { echo "error: the Windows $label does not type-check" >&2; exit 1; }
  if grep -q "^warning: \`asc-key-wizard\`" "$log"; then
    echo "error: the Windows $label has warnings (above)" >&2
    exit 1
  fi
}
run "GUI build"
run "headless build (--no-default-features)" --no-default-features
echo "    windows: both feature sets type-check"
