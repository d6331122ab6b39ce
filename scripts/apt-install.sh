#!/usr/bin/env bash
# Install the named Debian packages that are missing (apt-get update only when something is).
#   scripts/apt-install.sh PACKAGE...
# Used by setup-linux.sh, windows-wine.sh and check-macos.sh, so the install rule lives in one place.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "==> installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
