#!/usr/bin/env bash
# test.sh: the whole test suite from a fresh clone: setup (packages, hugepages), build, then
# every test ctest knows (unit, fuzz seed corpora, real-port integration, QEMU guests).
# The exit code is ctest's. Extra arguments go to ctest, e.g. scripts/test.sh -L integration
# or scripts/test.sh -R af_xdp.
#   VSWITCH_SKIP_SETUP=1   do not run setup.sh (packages and hugepages are already there)
#   VSWITCH_TEST_JOBS=N    ctest parallelism (default: number of cores); tests that use DPDK
#                          take the "dpdk" resource lock and run one at a time anyway
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$VSWITCH_ROOT"
total_start=$SECONDS

if [[ "${VSWITCH_SKIP_SETUP:-0}" != 1 ]]; then
  "$VSWITCH_ROOT/scripts/setup.sh"
fi
if ! is_root; then
  warn "not root: integration tests (namespaces, DPDK ports) will be reported as skipped"
fi
"$VSWITCH_ROOT/scripts/build.sh"

step "ctest"
log_file="${VSWITCH_BUILD_DIR}/ctest.log"
set +e
# --timeout is the default for tests that set none; integration tests set their own.
ctest --test-dir "$VSWITCH_BUILD_DIR" --output-on-failure --no-tests=error \
  -j "${VSWITCH_TEST_JOBS:-$(nproc)}" --timeout 300 "$@" 2>&1 | tee "$log_file"
rc=${PIPESTATUS[0]}
set -e

# ctest's own summary (pass ratio, skipped and failed lists) ends the output above.
step "done in $((SECONDS - total_start)) s (setup + build + tests), ctest exit code ${rc}; full log: ${log_file}"
exit "$rc"
