#!/usr/bin/env bash
# Build the real Windows binaries on this Debian machine and run them under Wine:
#  1. link the headless and the GUI .exe (x86_64-pc-windows-gnu) with Debian's rustc-web, its std
#     sources (-Zbuild-std) and MinGW; fail on any warning in this crate;
#  2. make a throwaway Wine prefix and put the ProcessPrng shim (scripts/windows/bcryptprimitives.c)
#     beside every .exe: Rust's std asks bcryptprimitives.dll for random bytes, which Wine 8.0 lacks;
#  3. run the core's unit tests for Windows under Wine (cargo's target runner), skipping only the
#     tests named in WINE_SKIPS below, each with its reason;
#  4. write target/windows/env, which scripts/test-all.sh sources so that tests/windows_wine.rs
#     (the CLI journey under Wine) runs with the other tests.
# RUSTC_BOOTSTRAP=1 unlocks -Zbuild-std on Debian's stable compiler: acceptable because these .exes
# are only run here under Wine; releases are built on real Windows by .github/workflows/release.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/apt-install.sh rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine wine64

target=x86_64-pc-windows-gnu
out="$root/target/windows"
mkdir -p "$out/bin/headless" "$out/bin/gui"
# Full paths: rustup's cargo and rustc come first on PATH and have no Windows std.
cargo_win=(env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$out"
           /usr/bin/cargo -Zbuild-std=std,panic_abort)
# shellcheck source=scripts/cross-step.sh
. "$root/scripts/cross-step.sh"
step() { # step LABEL cargo-args…: fails on an error or on any warning in this crate's code
  local label=$1
  shift
  echo "==> Windows: $label ($(/usr/bin/rustc --version))"
  cross_step Windows "$label" "${cargo_win[@]}" "$@"
}

echo "==> the ProcessPrng shim (MinGW)"
x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" scripts/windows/bcryptprimitives.c -ladvapi32

step "headless build (--no-default-features)" build --target $target --bins --locked --no-default-features
cp "$out/$target/debug/asc-key-wizard.exe" "$out/bin/headless/"
step "GUI build" build --target $target --bins --locked
cp "$out/$target/debug/asc-key-wizard.exe" "$out/bin/gui/"
# The GUI binary loads WebView2Loader.dll at start-up (webview2-com-sys ships it for GNU targets).
loader=$(find "$out/$target/debug/build" -path '*webview2-com-sys*/out/x64/WebView2Loader.dll' | head -n 1)
[ -n "$loader" ] || { echo "error: WebView2Loader.dll not found in the GUI build" >&2; exit 1; }
cp "$loader" "$out/bin/gui/"
cp "$out/bcryptprimitives.dll" "$out/bin/headless/"
cp "$out/bcryptprimitives.dll" "$out/bin/gui/"
ls -l "$out"/bin/*/asc-key-wizard.exe | awk '{print "    " $5 " bytes  " $9}'

echo "==> a throwaway Wine prefix"
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko installers (nothing here needs .NET or MSHTML), no menu entries.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;bcryptprimitives=n,b"
t=$SECONDS
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  rm -rf "$WINEPREFIX"
  wineboot --init >/dev/null 2>&1 || { echo "error: wineboot could not make the prefix" >&2; exit 1; }
  wineserver --wait
fi
echo "    ($(wine --version) prefix ready in $(( SECONDS - t )) s)"

# The core's unit tests for Windows, run by Wine. Every test runs, except these, where Wine is not
# Windows (each is also listed in the README with its reason):
WINE_SKIPS=(
)
skip_args=()
for s in "${WINE_SKIPS[@]}"; do skip_args+=(--skip "$s"); done
step "unit tests (build)" test --target $target --lib --locked --no-default-features --no-run
for exe in "$out/$target/debug/deps"/asc_key_wizard-*.exe; do
  cp "$out/bcryptprimitives.dll" "$(dirname "$exe")/"
done
echo "==> Windows: unit tests under Wine"
t=$SECONDS
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine "${cargo_win[@]}" test --target $target --lib --locked \
  --no-default-features -- "${skip_args[@]}" 2>&1 | grep -v -E '^\s+(Compiling|Fresh|Finished|Running)'
echo "    (unit tests under Wine took $(( SECONDS - t )) s)"

cat > "$out/env" <<EOF
export WINEPREFIX="$WINEPREFIX"
export ASC_WIZARD_WINDOWS_EXE="$out/bin/headless/asc-key-wizard.exe"
export ASC_WIZARD_WINDOWS_GUI_EXE="$out/bin/gui/asc-key-wizard.exe"
EOF
echo "    windows: both builds link; unit tests pass under Wine; tests/windows_wine.rs runs next"
