#!/usr/bin/env bash
# Build a platform's own wizard: its profile compiled in (build.rs checks it), and its name,
# identifier, window title and icons merged over tauri.conf.json with the Tauri CLI's --config.
#   scripts/build-platform.sh platforms/<name>.json          release .deb and .rpm
#   scripts/build-platform.sh --test platforms/<name>.json   the same, allowing http:// to this
#                                                            computer (test profiles only)
# Each platform builds in its own target folder, target/platform/<identifier>/, so its packages
# never mix with the generic build's; they land in target/platform/<identifier>/release/bundle/.
# The field rules are in docs/platforms-profile.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

allow_http=0
if [ "${1:-}" = "--test" ]; then allow_http=1; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--test] platforms/<name>.json" >&2; exit 2; }
profile=$(realpath "$1")
[ -f "$profile" ] || { echo "error: no profile at $1" >&2; exit 2; }
command -v python3 >/dev/null || { echo "error: python3 is needed to read the profile" >&2; exit 1; }

identifier=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("identifier") or "")' "$profile")
[ -n "$identifier" ] || { echo "error: $1 needs an identifier" >&2; exit 2; }
work="$root/target/platform/$identifier"
scripts/package-linux.sh --cli-only
tauri="$root/target/tools/tauri-cli/node_modules/.bin/tauri"
test_flag=()
[ $allow_http = 1 ] && test_flag=(--test)
merge=$(python3 scripts/platform-config.py "${test_flag[@]}" "$profile" "$work" "$tauri")
echo "==> $merge"
cat "$merge"

# build.rs refuses http:// outside a test build; --test makes this one.
ASC_WIZARD_PROFILE="$profile" ASC_WIZARD_PROFILE_TEST="$allow_http" CARGO_TARGET_DIR="$work" scripts/package-linux.sh --config "$merge"
