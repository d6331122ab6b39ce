#!/usr/bin/env bash
# Type-check the macOS build (aarch64-apple-darwin), GUI and headless, on this Debian machine, so a
# change that breaks macOS fails the test command here instead of on a merchant's Mac. Linking needs
# Apple's SDK, which cannot be had here: the release workflow builds and the CI workflow tests on
# real macOS runners (Intel Macs differ only in the CPU).
# - Rust: Debian's rustc-web with its std sources (-Zbuild-std; RUSTC_BOOTSTRAP=1 unlocks it on that
#   stable compiler, acceptable because nothing produced here is run or shipped);
# - C parts of dependencies (ring, …): `zig cc` from PyPI's ziglang, pinned, which targets macOS
#   without Apple's SDK, behind scripts/macos/zig-cc (it drops the flags zig does not take).
# Fails on any error or warning in this crate.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/apt-install.sh rustc-web cargo-web rust-web-src

zig_version=0.17.0
tools="$root/target/tools/ziglang-$zig_version"
if ! PYTHONPATH="$tools" python3 -c 'import ziglang' 2>/dev/null; then
  echo "==> installing ziglang $zig_version (PyPI) into $tools"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$tools" "ziglang==$zig_version"
fi
export ASC_ZIGLANG_PATH="$tools"
export CC_aarch64_apple_darwin="$root/scripts/macos/zig-cc"
export AR_aarch64_apple_darwin="$root/scripts/macos/zig-ar"
export CFLAGS_aarch64_apple_darwin=""

check=(env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/macos-check
       /usr/bin/cargo check -Zbuild-std=std,panic_abort --target aarch64-apple-darwin
       --lib --bins --locked)
# shellcheck source=scripts/cross-step.sh
. "$root/scripts/cross-step.sh"
run() { # run LABEL [cargo args]
  local label=$1
  shift
  echo "==> macOS type-check, $label ($(/usr/bin/rustc --version), zig $zig_version)"
  cross_step macOS "$label" "${check[@]}" "$@"
}
run "GUI build"
run "headless build (--no-default-features)" --no-default-features
echo "    macOS: both feature sets type-check"
