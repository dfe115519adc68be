#!/usr/bin/env bash
# build.sh: configures (once) and builds vswitch into build/ with Ninja, RelWithDebInfo.
# Binaries land in build/bin (vswitchd, vsctl, tests). Extra arguments go to CMake's configure
# step, e.g. scripts/build.sh -DVSWITCH_FUZZ=ON. VSWITCH_BUILD_DIR overrides the directory.
set -euo pipefail
source "$(dirname "$0")/common.sh"

command -v cmake >/dev/null || die "cmake is not installed: run sudo scripts/setup.sh first"
command -v ninja >/dev/null || die "ninja is not installed: run sudo scripts/setup.sh first"

jobs="${VSWITCH_BUILD_JOBS:-$(nproc)}"
if [[ ! -f "${VSWITCH_BUILD_DIR}/CMakeCache.txt" || $# -gt 0 ]]; then
  step "configure ${VSWITCH_BUILD_DIR} (Ninja, RelWithDebInfo)"
  cmake -S "$VSWITCH_ROOT" -B "$VSWITCH_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
fi
step "build with ${jobs} jobs"
start=$SECONDS
cmake --build "$VSWITCH_BUILD_DIR" -j "$jobs"
info "built in $((SECONDS - start)) s; binaries in ${VSWITCH_BUILD_DIR}/bin"
