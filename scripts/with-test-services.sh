#!/usr/bin/env bash
# Run a command with the services the tests need. Must run inside `dbus-run-session`.
# - throwaway HOME (the keychain, the key index and exports never touch the real one)
# - gnome-keyring's Secret Service, unlocked with a throwaway password
# - an Xvfb display for the WebKitGTK end-to-end tests
set -euo pipefail
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || { echo "error: run me inside dbus-run-session" >&2; exit 1; }

test_home=$(mktemp -d /tmp/asc-wizard-home.XXXXXX)
chmod 700 "$test_home"
export HOME="$test_home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$HOME/.run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# --unlock reads the login keyring's password from stdin and creates it on first use.
eval "$(printf 'throwaway-test-password' | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
# The daemon registers org.freedesktop.secrets asynchronously: wait for it.
for _ in $(seq 1 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
    break
  fi
  sleep 0.1
done

# A free display number, then Xvfb.
display=99
while [ -e "/tmp/.X${display}-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x900x24 -nolisten tcp >"$HOME/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=":$display"
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
# WEBKIT_DISABLE_COMPOSITING_MODE is deliberately not set: with it, WebDriver screenshots hang
# in WebKitGTK under Xvfb (tests/support/e2e.rs also removes it from the app's environment).

cleanup() {
  kill "$xvfb_pid" 2>/dev/null || true
  # gnome-keyring-daemon exits by itself when dbus-run-session closes the bus.
  rm -rf "$test_home"
}
trap cleanup EXIT

echo "    HOME=$HOME DISPLAY=$DISPLAY secret service: $(command -v gnome-keyring-daemon)"
set +e
"$@"
status=$?
set -e
shots="$(pwd)/target/e2e-screenshots"
if [ -d "$shots" ]; then
  echo "==> wizard screenshots of every step: $shots"
fi
exit $status
