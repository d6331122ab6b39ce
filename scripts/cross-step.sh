# One cross-build step as scripts/windows-wine.sh and scripts/check-macos.sh run them (sourced).
# The command's output is shown without cargo's progress lines; the step fails on an error or on any
# warning in this crate's own code (other crates' warnings are theirs), and says how long it took.
#   cross_step OS LABEL command [args…]
cross_step() {
  local os=$1 label=$2
  shift 2
  local log status=0 t=$SECONDS
  log=$(mktemp)
  "$@" >"$log" 2>&1 || status=$?
  grep -v -E '^\s+(Compiling|Checking|Fresh|Finished|Executable)' "$log" || true
  local warned=0
  grep -q "^warning: \`asc-key-wizard\`" "$log" && warned=1
  rm -f "$log"
  [ "$status" -eq 0 ] || { echo "error: $os $label failed" >&2; exit 1; }
  [ "$warned" -eq 0 ] || { echo "error: $os $label has warnings (above)" >&2; exit 1; }
  echo "    ($label took $(( SECONDS - t )) s)"
}
