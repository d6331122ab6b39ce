#!/usr/bin/env bash
# Set up a fresh machine (Debian/Ubuntu: system packages) and open the wizard.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" = "Linux" ]; then
  scripts/setup-linux.sh
fi
exec cargo run --release -- "$@"
