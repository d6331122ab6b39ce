#!/usr/bin/env bash
# Start-up time and memory of the wizard next to a bare Tauri window built from
# the same crates (issue 5 §4). Not a test: prints a table for the README.
#
#   scripts/measure-startup.sh            # release builds (strip + LTO), 5 runs each
#   RUNS=10 scripts/measure-startup.sh
#   scripts/measure-startup.sh --debug    # quick check of the script on debug builds
#
# Needs: tauri-driver (cargo install tauri-driver --locked), WebKitWebDriver
# (webkit2gtk-driver), Xvfb, python3. Uses its own Xvfb unless DISPLAY is set.
set -euo pipefail
cd "$(dirname "$0")/.."


RUNS="${RUNS:-5}"
PROFILE=release
if [[ "${1:-}" == "--debug" ]]; then PROFILE=debug; fi

for tool in WebKitWebDriver python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
DRIVER="$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")"
[[ -x "$DRIVER" ]] || { echo "missing: tauri-driver (cargo install tauri-driver --locked)" >&2; exit 1; }

TARGET="${CARGO_TARGET_DIR:-target}"
if [[ "$PROFILE" == release ]]; then
  # The shipped configuration: default features only (no test seams).
  cargo build --release --bin asc-key-wizard --example bare_window
else
  # The feature set every GUI test uses, so Tauri is compiled only once.
  cargo build --features mock-runtime,e2e-seam --bin asc-key-wizard --example bare_window
fi
APP="$PWD/$TARGET/$PROFILE/asc-key-wizard"
BARE="$PWD/$TARGET/$PROFILE/examples/bare_window"

XVFB_PID=""
cleanup() { [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null || true; }
trap cleanup EXIT
if [[ -z "${DISPLAY:-}" ]]; then
  command -v Xvfb >/dev/null || { echo "missing: Xvfb" >&2; exit 1; }
  for n in $(seq 77 99); do
    [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
    Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    XVFB_PID=$!
    for _ in $(seq 100); do [[ -e /tmp/.X11-unix/X$n ]] && break; sleep 0.05; done
    export DISPLAY=":$n"
    break
  done
fi

echo "Profile: $PROFILE, display $DISPLAY, $(nproc) CPU(s), $(date -u +%Y-%m-%dT%H:%MZ)"
MEASURE=(python3 scripts/measure-startup.py --app "$APP" --bare "$BARE" --runs "$RUNS" --driver "$DRIVER")
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v dbus-run-session >/dev/null; then
  # A private session bus (after DISPLAY is set): without one GLib autolaunches a
  # bus per display whose portals outlive the run. Its chatter goes to a log.
  dbus-run-session -- "${MEASURE[@]}" 2> >(grep -v -E 'dbus-daemon|portal|Gtk-WARNING|^$|pw.conf|SpiRegistry|GNOME_KEYRING|max threads' >&2)
else
  "${MEASURE[@]}"
fi
