#!/usr/bin/env bash
# Build the release app and its Linux installers (.deb and .rpm) with the Tauri CLI, offline.
#   scripts/package-linux.sh                  the generic build
#   scripts/package-linux.sh --config F.json  merged over tauri.conf.json (name, identifier, icons)
#   scripts/package-linux.sh --cli-only       install the pinned Tauri CLI and stop (build-platform.sh)
# The packages land in $CARGO_TARGET_DIR (default target)/release/bundle/{deb,rpm}/. AppImage is not built here: its bundler
# downloads tools from GitHub at build time, so only the release workflow makes it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# One exact Tauri CLI for this script and .github/workflows/release.yml (scripts/lint-workflows.sh
# checks that the two agree). The npm package carries a prebuilt binary: no minutes of cargo install.
TAURI_CLI_VERSION=2.12.5
tools="$root/target/tools/tauri-cli"
tauri="$tools/node_modules/.bin/tauri"

if ! "$tauri" --version 2>/dev/null | grep -qx "tauri-cli $TAURI_CLI_VERSION"; then
  command -v npm >/dev/null || { echo "error: npm is needed to install @tauri-apps/cli $TAURI_CLI_VERSION" >&2; exit 1; }
  echo "==> installing @tauri-apps/cli@$TAURI_CLI_VERSION into $tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --no-save --silent "@tauri-apps/cli@$TAURI_CLI_VERSION"
fi
echo "==> $("$tauri" --version)"
[ "${1:-}" = "--cli-only" ] && exit 0

# The app's tauri.conf.json is at the top level beside Cargo.toml; name it so the CLI never picks
# examples/bare_window's by accident.
export TAURI_APP_PATH="$root"
export TAURI_FRONTEND_PATH="$root/ui"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

args=(build --ci --bundles deb,rpm)
if [ "${1:-}" = "--config" ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 [--config FILE.json]" >&2; exit 2; }
  args+=(--config "$2")
fi
echo "==> tauri ${args[*]} -- --locked"
"$tauri" "${args[@]}" -- --locked

echo "==> packages"
out="${CARGO_TARGET_DIR:-target}/release/bundle"
ls -l "$out"/deb/*.deb "$out"/rpm/*.rpm
