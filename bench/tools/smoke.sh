#!/bin/bash
# ctest bench_smoke: a quick bench/run of l2-1k, then a check that the results file is well
# formed with a row per contender. It asserts that the harness works, never a speed.
#   smoke.sh OUT_DIR BIN_DIR
# Exit 77 (ctest SKIP) when this machine cannot run DPDK benchmarks (not root, no hugepages).
set -u
out_dir=${1:?usage: smoke.sh OUT_DIR BIN_DIR}
bin_dir=${2:?usage: smoke.sh OUT_DIR BIN_DIR}
bench_dir=$(cd "$(dirname "$0")/.." && pwd)

# Never judge a results file left over from an earlier run.
rm -f "$out_dir/latest.json" "$out_dir/latest.md"
"$bench_dir/run" --quick --out "$out_dir" --bin-dir "$bin_dir" l2-1k l2-1k-gen
rc=$?
if [ "$rc" -eq 77 ]; then
  exit 77
fi
# rc 1 means a contender failed; the checker names it from the results file.
"$bench_dir/tools/check_results.py" "$out_dir/latest.json" --scenario l2-1k --scenario l2-1k-gen || exit 1
[ -s "$out_dir/latest.md" ] || { echo "smoke: $out_dir/latest.md missing or empty" >&2; exit 1; }
exit "$rc"
