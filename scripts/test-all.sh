#!/usr/bin/env bash
# Everything CI runs, from a fresh Debian/Ubuntu machine:
#  1. install system packages and tauri-driver (scripts/setup-linux.sh --test);
#  2. check the formatting (cargo fmt --check); build the headless CLI (--no-default-features)
#     and prove it links no WebKit/GTK (a debug build links the same libraries as a release one,
#     in a fraction of the time); clippy with -D warnings, test and headless features;
#  3. lint the GitHub Actions workflows (scripts/lint-workflows.sh, a pinned actionlint);
#  4. link the Windows build, GUI and headless, and run the core's unit tests under Wine
#     (scripts/windows-wine.sh); type-check the macOS build, GUI and headless (scripts/check-macos.sh);
#  5. run every test (unit, CLI, property, loopback Apple/dashboard, real Secret Service,
#     tauri::test mock runtime, WebDriver end-to-end in real WebKitGTK, the Windows CLI journey
#     under Wine) inside a private D-Bus
#     session with gnome-keyring unlocked, a throwaway HOME and an Xvfb display;
#     then the WebDriver journeys once more with the desktop in dark mode; axe-core audits
#     every screen of both runs (zero WCAG 2.0/2.1 A and AA violations);
#  6. build the example platform's release app, its .deb and .rpm (scripts/build-platform.sh
#     platforms/example.json) and inspect them (scripts/inspect-packages.sh --platform).
# Extra arguments are passed to `cargo test` (e.g. `scripts/test-all.sh --test suite check_cli::`); then
# only those tests run, without steps 3, 4 and 6 (said on the way out).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup-linux.sh --test

# cargo and rustup live under the real HOME; pin them before HOME is swapped below.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Tests needing a tool fail loudly instead of skipping.
export ASC_WIZARD_FULL_TESTS=1

gui_features="mock-runtime,e2e-seam"

echo "==> formatting: cargo fmt --check"
cargo fmt --check || { echo "error: run cargo fmt (the diff is above)" >&2; exit 1; }

echo "==> headless build: cargo build --no-default-features"
cargo build --no-default-features --locked
headless="$root/target/debug/asc-key-wizard"
if ldd "$headless" | grep -E -i 'webkit|gtk|javascriptcore|soup'; then
  echo "error: the headless build links WebKit/GTK libraries (listed above)" >&2
  exit 1
fi
echo "    no WebKit/GTK in $(ls -l "$headless" | awk '{print $5}') bytes: ok"
"$headless" --help >/dev/null

t=$SECONDS
echo "==> clippy, every target, the test features and the headless build (-D warnings)"
cargo clippy --features "$gui_features" --all-targets --locked -- -D warnings
cargo clippy --no-default-features --all-targets --locked -- -D warnings
echo "    (clippy took $(( SECONDS - t )) s)"

full=1
[ $# -gt 0 ] && full=0
elapsed() { echo "    ($1 took $(( SECONDS - $2 )) s; $(disk))"; }
# A run fills four target folders; a full disk once failed CI halfway, so every step says what is left.
disk() { echo "disk: $(df -h --output=avail . | tail -n 1 | tr -d ' ') free, target/ $(du -sh target 2>/dev/null | cut -f1)"; }
echo "    $(disk)"

if [ $full = 1 ]; then
  t=$SECONDS
  echo "==> linting the GitHub Actions workflows"
  scripts/lint-workflows.sh
  elapsed "workflow lint" $t
  t=$SECONDS
  scripts/windows-wine.sh
  elapsed "Windows build and unit tests under Wine" $t
  # tests/windows_wine.rs (run with the other tests below) takes the .exes and the prefix from here.
  # shellcheck source=/dev/null
  . target/windows/env
  t=$SECONDS
  scripts/check-macos.sh
  # CI's clone is thrown away: its macOS check folder is not needed again.
  [ "${CI:-}" = true ] && rm -rf target/macos-check
  elapsed "macOS type-check" $t
fi

echo "==> building every test target (features: $gui_features)"
cargo test --features "$gui_features" --all-targets --locked --no-run
# The example platform (Acme Shops) with its dashboard on loopback, for tests/platform_build.rs
# and tests/e2e_platform.rs: the profile is compiled in, so it is a build of its own.
echo "==> building the example platform's wizard (tests/e2e/acme-loopback.json)"
ASC_WIZARD_PROFILE="$root/tests/e2e/acme-loopback.json" \
  cargo build --features e2e-seam --locked --target-dir "$root/target/platform/e2e"
export ASC_WIZARD_PLATFORM_APP="$root/target/platform/e2e/debug/asc-key-wizard"
echo "    $(disk)"

echo "==> starting a private D-Bus session, gnome-keyring and Xvfb; throwaway HOME"
t=$SECONDS
dbus-run-session -- bash "$root/scripts/with-test-services.sh" \
  cargo test --features "$gui_features" --all-targets --locked "$@"
elapsed "every test" $t
# The Windows build is done with (its tests ran above); CI's disk is better spent on packaging.
[ "${CI:-}" = true ] && [ $full = 1 ] && rm -rf target/windows

if [ $full = 1 ]; then
  # Every journey again with the desktop set to dark: the dark palette, its own screenshots
  # (<journey>-dark/), and axe on every screen of it.
  t=$SECONDS
  echo "==> the e2e journeys again in the dark theme"
  ASC_WIZARD_E2E_THEME=dark dbus-run-session -- bash "$root/scripts/with-test-services.sh" \
    cargo test --features "$gui_features" --locked --test e2e --test e2e_platform
  elapsed "dark e2e" $t
fi

if [ $full = 0 ]; then
  echo "==> only the named tests ran: no workflow lint, Windows check or packaging (run with no arguments for all)"
  exit 0
fi
# CI packages the example platform (its own name, icons and destination) rather than the generic
# build, to stay within time: both are the same release build with a different profile, and
# scripts/package-linux.sh (generic) runs in the release workflow.
t=$SECONDS
echo "==> packaging the example platform: release build, .deb and .rpm"
scripts/build-platform.sh platforms/example.json
elapsed "packaging" $t
echo "    $(disk)"
echo "==> inspecting the packages"
scripts/inspect-packages.sh --platform platforms/example.json
