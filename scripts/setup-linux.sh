#!/usr/bin/env bash
# Install what building, running and testing ASC Key Wizard needs on Debian/Ubuntu.
# Safe to run again: it only installs what is missing.
#   scripts/setup-linux.sh          build + run the wizard
#   scripts/setup-linux.sh --test   also the test tools (Xvfb, WebKitWebDriver, gnome-keyring, tauri-driver)
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

build_pkgs=(libwebkit2gtk-4.1-dev build-essential pkg-config libxdo-dev libssl-dev
            libayatana-appindicator3-dev librsvg2-dev curl)
test_pkgs=(webkit2gtk-driver xvfb xauth gnome-keyring dbus-x11 libsecret-tools openssl
           procps imagemagick rpm file strace pandoc python3 lintian rpmlint)

pkgs=("${build_pkgs[@]}")
[ $want_test = 1 ] && pkgs+=("${test_pkgs[@]}")
# Packaging uses the Tauri CLI from npm; Debian's Node.js only where the machine has no npm.
[ $want_test = 1 ] && ! command -v npm >/dev/null 2>&1 && pkgs+=(nodejs npm)

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  "$(dirname "$0")/apt-install.sh" "${pkgs[@]}"
else
  echo "==> not a Debian/Ubuntu system: install the WebKitGTK 4.1 development packages yourself" >&2
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is not installed. Install Rust from https://rustup.rs first." >&2
  exit 1
fi

if [ $want_test = 1 ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> installing tauri-driver 2.x"
  cargo install tauri-driver --locked --version '^2'
fi

# axe-core for the e2e accessibility audit, pinned by tests/e2e/axe/package-lock.json; it lives in
# the test tree only and is never shipped in the app.
if [ $want_test = 1 ]; then
  axe_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e/axe"
  want_axe=$(sed -n 's/.*"axe-core": *"\([0-9.]*\)".*/\1/p' "$axe_dir/package.json")
  have_axe=$( (sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' "$axe_dir/node_modules/axe-core/package.json" 2>/dev/null || true) | head -n 1)
  if [ "$have_axe" != "$want_axe" ]; then
    echo "==> installing axe-core $want_axe for the e2e audit"
    npm ci --prefix "$axe_dir" --no-audit --no-fund --silent
  fi
fi
