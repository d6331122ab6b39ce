#!/usr/bin/env bash
# Everything CI runs, from a fresh Debian/Ubuntu machine:
#  1. install system packages and tauri-driver (scripts/setup-linux.sh --test);
#  2. build the headless CLI (release, --no-default-features) and prove it links no WebKit/GTK;
#  3. run every test (unit, CLI, property, loopback Apple/dashboard, real Secret Service,
#     tauri::test mock runtime, WebDriver end-to-end in real WebKitGTK) inside a private D-Bus
#     session with gnome-keyring unlocked, a throwaway HOME and an Xvfb display.
# Extra arguments are passed to `cargo test` (e.g. `scripts/test-all.sh --test check_cli`).
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

echo "==> headless build: cargo build --release --no-default-features"
cargo build --release --no-default-features --locked
headless="$root/target/release/asc-key-wizard"
if ldd "$headless" | grep -E -i 'webkit|gtk|javascriptcore|soup'; then
  echo "error: the headless build links WebKit/GTK libraries (listed above)" >&2
  exit 1
fi
echo "    no WebKit/GTK in $(ls -l "$headless" | awk '{print $5}') bytes: ok"
"$headless" --help >/dev/null
# Keep the headless binary aside: the next build replaces target/release/asc-key-wizard only if
# someone builds release GUI, but tests may point at it explicitly.
export ASC_WIZARD_HEADLESS_BIN="$headless"

echo "==> building every test target (features: $gui_features)"
cargo test --features "$gui_features" --all-targets --locked --no-run

echo "==> starting a private D-Bus session, gnome-keyring and Xvfb; throwaway HOME"
exec dbus-run-session -- bash "$root/scripts/with-test-services.sh" \
  cargo test --features "$gui_features" --all-targets --locked "$@"
