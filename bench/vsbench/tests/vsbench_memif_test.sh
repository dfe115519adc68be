#!/bin/bash
# ctest bench_vsbench_memif: vsbench against a real vswitchd through two memif ports.
#   vsbench_memif_test.sh BIN_DIR
# vswitchd is the memif server on both ports (one socket each: vswitchd gives every memif
# port its own socket) and forwards by
# MAC learning (the destination is never learned, so m0's frames flood to m1); vsbench is the
# client on both, sends for a few seconds at a low rate and must get frames back with latency
# numbers. vswitchd's own tx counter on m1 must agree. It asserts that the harness works,
# never a speed. Exit 77 (skip) when not root or without free hugepages.
set -u
bin_dir=${1:?usage: vsbench_memif_test.sh BIN_DIR}
fail() { echo "vsbench_memif_test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || { echo "vsbench_memif_test: skipped: needs root for DPDK" >&2; exit 77; }
free_pages=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
if [ "${free_pages:-0}" -lt 300 ]; then
  echo "vsbench_memif_test: skipped: ${free_pages:-0} free hugepages, need 300 (2 x 256 MB + slack)" >&2
  exit 77
fi
for b in vswitchd vsctl vsbench; do
  [ -x "$bin_dir/$b" ] || fail "$bin_dir/$b is not built"
done

work=$(mktemp -d /tmp/vsbench-memif-test.XXXXXX)
vswitchd_pid=
cleanup() {
  if [ -n "$vswitchd_pid" ] && kill -0 "$vswitchd_pid" 2>/dev/null; then
    kill -TERM "$vswitchd_pid"
    for _ in $(seq 50); do kill -0 "$vswitchd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$vswitchd_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

sock=$work/vswitchd.sock
vsctl() { "$bin_dir/vsctl" --server "$sock" --timeout 10 "$@"; }

"$bin_dir/vswitchd" --workers 1 --lcores 0,1 --memory 256 --in-memory --socket "$sock" \
  --state-dir none > "$work/vswitchd.log" 2>&1 &
vswitchd_pid=$!
for _ in $(seq 300); do
  grep -q "^vswitchd: ready on unix:" "$work/vswitchd.log" && break
  kill -0 "$vswitchd_pid" 2>/dev/null || fail "vswitchd exited: $(tail -3 "$work/vswitchd.log")"
  sleep 0.1
done
grep -q "^vswitchd: ready on unix:" "$work/vswitchd.log" || fail "vswitchd not ready after 30 s"

vsctl add-port m0 memif socket="$work/m0.sock" role=server id=0 || fail "add-port m0"
vsctl add-port m1 memif socket="$work/m1.sock" role=server id=0 || fail "add-port m1"

# Core 0: vsbench shares it with vswitchd's control thread; the worker has core 1.
"$bin_dir/vsbench" --in-memory --lcore 0 --log-level '*:error' \
  --tx-dev "net_memif0,role=client,socket=$work/m0.sock,id=0" \
  --rx-dev "net_memif1,role=client,socket=$work/m1.sock,id=0" \
  --flows 256 --rate-mpps 0.02 --warmup 1 --duration 3 --json > "$work/vsbench.json" 2> "$work/vsbench.err"
rc=$?
[ "$rc" -eq 0 ] || fail "vsbench exited $rc: $(grep -m1 error "$work/vsbench.err" || tail -2 "$work/vsbench.err")"

switch_tx=$(vsctl --json port-stats m1 | python3 -c '
import json, sys
doc = json.load(sys.stdin)
print(sum(int(p.get("counters", {}).get("txPackets", 0)) for p in doc.get("ports", []) if p.get("name") == "m1"))')

python3 - "$work/vsbench.json" "$switch_tx" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
switch_tx = int(sys.argv[2])
problems = []
if doc.get("tool") != "vsbench" or doc.get("mode") != "fixed-rate":
    problems.append(f"unexpected header: tool={doc.get('tool')} mode={doc.get('mode')}")
trials = doc.get("trials", [])
if len(trials) != 1:
    problems.append(f"expected one trial, got {len(trials)}")
else:
    t = trials[0]
    lat = t["latency"]
    if t["tx_attempted"] <= 0:
        problems.append("vsbench sent nothing")
    if t["rx_probes"] <= 0:
        problems.append(f"nothing came back through vswitchd (tx {t['tx_attempted']}, rx {t['rx_packets']})")
    if t["rx_foreign"] != 0:
        problems.append(f"{t['rx_foreign']} received frames carried no vsbench probe")
    if lat.get("count", 0) != t["rx_probes"]:
        problems.append(f"latency samples {lat.get('count')} != frames back {t['rx_probes']}")
    else:
        order = [lat["min_ns"], lat["median_ns"], lat["p99_ns"], lat["max_ns"]]
        if not all(v > 0 for v in order) or order != sorted(order):
            problems.append(f"latency not 0 < min <= median <= p99 <= max: {order}")
    # The switch forwarded at least what came back (warm-up frames count there too).
    if switch_tx < t["rx_probes"]:
        problems.append(f"vswitchd m1 txPackets {switch_tx} < frames vsbench received {t['rx_probes']}")
for p in problems:
    print(f"vsbench_memif_test: FAIL: {p}", file=sys.stderr)
if not problems:
    t = trials[0]
    print(f"vsbench_memif_test: ok: {t['rx_probes']}/{t['tx_attempted']} frames back, latency "
          f"median {t['latency']['median_ns'] / 1e3:.1f} us, p99 {t['latency']['p99_ns'] / 1e3:.1f} us; "
          f"vswitchd m1 tx {switch_tx}")
sys.exit(1 if problems else 0)
PY
