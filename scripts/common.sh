# Shared helpers for vswitch's scripts (sourced, not run).

VSWITCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VSWITCH_BUILD_DIR="${VSWITCH_BUILD_DIR:-${VSWITCH_ROOT}/build}"

if [[ -t 1 ]]; then
  _vs_bold=$'\e[1m'; _vs_red=$'\e[31m'; _vs_yellow=$'\e[33m'; _vs_reset=$'\e[0m'
else
  _vs_bold=""; _vs_red=""; _vs_yellow=""; _vs_reset=""
fi

# step "what": a visible heading, so a long log shows where time went.
step() { echo "${_vs_bold}==> $*${_vs_reset}"; }
info() { echo "    $*"; }
warn() { echo "${_vs_yellow}warning:${_vs_reset} $*" >&2; }
die() { echo "${_vs_red}error:${_vs_reset} $*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }
