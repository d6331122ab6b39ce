#!/usr/bin/env python3
"""A platform's Tauri --config merge from its profile (docs/platforms-profile.md).

    scripts/platform-config.py [--test] PROFILE OUTDIR TAURI_CLI...

Writes OUTDIR/tauri.platform.json (product name, binary name, identifier, window title, icons
made with `TAURI_CLI icon`, the setup-link scheme, updater artifacts when the profile names an
update endpoint) and prints its path. Used by scripts/build-platform.sh and the release workflow.
build.rs checks every rule of the profile again when it embeds it.
"""
import json
import os
import re
import subprocess
import sys

args = sys.argv[1:]
allow_http = args[:1] == ["--test"]
if allow_http:
    args = args[1:]
if len(args) < 3:
    sys.exit("usage: platform-config.py [--test] PROFILE OUTDIR TAURI_CLI...")
profile_path, out, tauri = os.path.abspath(args[0]), os.path.abspath(args[1]), args[2:]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(profile_path, encoding="utf-8") as f:
    text = f.read()
profile = json.loads(text)
for field in ("identifier", "product_name", "window_title", "platform_name"):
    if not profile.get(field):
        sys.exit(f"error: {profile_path} needs {field}")
# Any letter case: URL schemes are case-insensitive, so "HTTP://" is plain http too.
if not allow_http and re.search(r'"\s*http://', text, re.IGNORECASE):
    sys.exit(f"error: {profile_path} holds an http:// address; a platform's release build sends keys over https only (--test allows http to this computer)")
scheme = profile.get("setup_link_scheme")
if not scheme or scheme.lower() == "asc-key-wizard":
    sys.exit(f"error: {profile_path} needs its own setup_link_scheme (not the generic build's asc-key-wizard)")
os.makedirs(out, exist_ok=True)

with open(os.path.join(root, "tauri.conf.json"), encoding="utf-8") as f:
    base = json.load(f)
# Arrays are replaced whole by the merge: the window is tauri.conf.json's own with the new title.
window = dict(base["app"]["windows"][0], title=profile["window_title"])
slug = re.sub(r"[^a-z0-9]+", "-", profile["product_name"].lower()).strip("-")
merge = {
    "productName": profile["product_name"],
    "mainBinaryName": slug,
    "identifier": profile["identifier"],
    "app": {"windows": [window]},
    "bundle": {"shortDescription": f"Set up the App Store Connect API key {profile['platform_name']} needs"},
}
if profile.get("icon"):
    src = os.path.join(os.path.dirname(profile_path), profile["icon"])
    icons = os.path.join(out, "icons")
    subprocess.run([*tauri, "icon", src, "-o", icons], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    names = ["32x32.png", "128x128.png", "128x128@2x.png", "icon.icns", "icon.ico"]
    merge["bundle"]["icon"] = [os.path.join(icons, n).replace("\\", "/") for n in names]
# Read by the Tauri bundler: .desktop MimeType=x-scheme-handler/<scheme>, macOS
# CFBundleURLTypes, and the Windows installers' registry keys for the scheme. Exactly the
# profile's scheme: the merge replaces tauri.conf.json's list (the generic asc-key-wizard) whole.
merge["plugins"] = {"deep-link": {"desktop": {"schemes": [scheme]}}}
# The .deb's copyright file and lintian overrides (tauri.conf.json's deb `files`) live under the
# package's name: the product name in kebab case, as the Tauri bundler names the package. Moved
# from the generic name (null removes it in the merge) to this platform's.
deb_files = base["bundle"].get("linux", {}).get("deb", {}).get("files", {})
if deb_files:
    moved = {dest: None for dest in deb_files}
    for dest, src in deb_files.items():
        moved[dest.replace("/asc-key-wizard", "/" + slug)] = os.path.join(root, src).replace("\\", "/")
    merge["bundle"]["linux"] = {"deb": {"files": moved}}
if profile.get("updates"):
    # The .sig files and the updater bundles; signed with TAURI_SIGNING_PRIVATE_KEY.
    merge["bundle"]["createUpdaterArtifacts"] = True
path = os.path.join(out, "tauri.platform.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(merge, f, indent=2, ensure_ascii=False)
print(path)
