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

# The few fields the installers need; build.rs checks every rule again when it embeds the profile.
read_field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print(v if v is not None else "")' "$profile" "$1"; }
identifier=$(read_field identifier)
product=$(read_field product_name)
[ -n "$identifier" ] && [ -n "$product" ] || { echo "error: $1 needs identifier and product_name" >&2; exit 2; }
if [ $allow_http = 0 ] && grep -q '"http://' "$profile"; then
  echo "error: $1 holds an http:// address; a platform's release build sends keys over https only (--test allows http to this computer)" >&2
  exit 2
fi

work="$root/target/platform/$identifier"
mkdir -p "$work"
scripts/package-linux.sh --cli-only
tauri="$root/target/tools/tauri-cli/node_modules/.bin/tauri"

# Icons from the profile's square PNG (the generic icons when it names none).
icon=$(read_field icon)
icons_json='null'
if [ -n "$icon" ]; then
  src="$(dirname "$profile")/$icon"
  [ -f "$src" ] || { echo "error: icon $src not found" >&2; exit 2; }
  rm -rf "$work/icons"
  echo "==> tauri icon $src"
  "$tauri" icon "$src" -o "$work/icons" >/dev/null 2>&1
  icons_json=$(printf '["%s/icons/32x32.png","%s/icons/128x128.png","%s/icons/128x128@2x.png","%s/icons/icon.icns","%s/icons/icon.ico"]' "$work" "$work" "$work" "$work" "$work")
fi

# The merge: name, binary name, identifier, and the main window (arrays are replaced whole, so
# the window is tauri.conf.json's own with the profile's title).
python3 - "$profile" "$root/tauri.conf.json" "$work/tauri.platform.json" "$icons_json" <<'PY'
import json, re, sys
profile, base, out, icons = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], json.loads(sys.argv[4])
window = dict(base["app"]["windows"][0], title=profile["window_title"])
slug = re.sub(r"[^a-z0-9]+", "-", profile["product_name"].lower()).strip("-")
merge = {
    "productName": profile["product_name"],
    "mainBinaryName": slug,
    "identifier": profile["identifier"],
    "app": {"windows": [window]},
    "bundle": {"shortDescription": f"Set up the App Store Connect API key {profile['platform_name']} needs"},
}
if icons:
    merge["bundle"]["icon"] = icons
if profile.get("setup_link_scheme"):
    # Read by the Tauri bundler: .desktop MimeType=x-scheme-handler/<scheme>, macOS
    # CFBundleURLTypes, and the Windows installers' registry keys for the scheme.
    merge["plugins"] = {"deep-link": {"desktop": {"schemes": [profile["setup_link_scheme"]]}}}
json.dump(merge, open(out, "w"), indent=2)
print(slug)
PY
echo "==> $work/tauri.platform.json"
cat "$work/tauri.platform.json"

ASC_WIZARD_PROFILE="$profile" CARGO_TARGET_DIR="$work" scripts/package-linux.sh --config "$work/tauri.platform.json"
