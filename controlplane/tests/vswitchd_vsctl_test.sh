#!/bin/bash
# End-to-end test of the control plane against a real vswitchd (DPDK with --no-huge
# --in-memory, so it needs no hugepages and collides with nobody):
#   ports (null, ring, pcap) added/listed/deleted through vsctl, human and JSON output,
#   counters moving with real traffic, bad calls rejected with clear errors and the right
#   exit codes while the daemon keeps running, a second daemon refused, persistence across
#   a restart, config file (all or nothing), and a clean SIGTERM shutdown.
# Usage: vswitchd_vsctl_test.sh BIN_DIR      Exit 77 (skipped) when not root.
set -u

BIN=${1:?usage: $0 BIN_DIR}
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: DPDK needs root"
  exit 77
fi

WORK=$(mktemp -d /tmp/vs-cp-e2e.XXXXXX)
SOCK=$WORK/run/vswitchd.sock
STATE=$WORK/state
DAEMON_PID=
FAILURES=0

cleanup() {
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID"
    wait "$DAEMON_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }

vsctl() { "$BIN/vsctl" --server "$SOCK" "$@"; }

# start_daemon LOG [extra vswitchd args...]: starts vswitchd, waits for its ready line.
start_daemon() {
  local log=$1
  shift
  "$BIN/vswitchd" --no-huge --in-memory --memory 256 --socket "$SOCK" --state-dir "$STATE" "$@" \
    >"$log.out" 2>"$log.err" &
  DAEMON_PID=$!
  for _ in $(seq 1 300); do
    if grep -q "^vswitchd: ready on unix:$SOCK\$" "$log.out"; then return 0; fi
    if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      echo "vswitchd exited early:"; cat "$log.out" "$log.err"; DAEMON_PID=; return 1
    fi
    sleep 0.1
  done
  echo "vswitchd not ready after 30s"; cat "$log.err"; return 1
}

stop_daemon() {
  kill -TERM "$DAEMON_PID"
  wait "$DAEMON_PID"
  local rc=$?
  DAEMON_PID=
  return $rc
}

# expect_rc RC DESCRIPTION EXPECTED_STDERR_SUBSTRING -- vsctl args...
expect_error() {
  local want_rc=$1 what=$2 want_msg=$3
  shift 4
  local err rc
  err=$(vsctl "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" != "$want_rc" ]; then fail "$what: exit $rc, want $want_rc ($err)"; return; fi
  case "$err" in
    *"$want_msg"*) pass "$what: $err" ;;
    *) fail "$what: message '$err' lacks '$want_msg'" ;;
  esac
}

# json_get JSON PYTHON_EXPR: evaluates EXPR with d = the parsed JSON.
json_get() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($2)" "$1"; }

# A pcap of 10 broadcast frames from 02:00:00:00:00:aa (64 bytes each), a finite source.
python3 - "$WORK/ten.pcap" <<'PY'
import struct, sys
frame = bytes.fromhex("ffffffffffff" "0200000000aa" "88b5") + bytes(50)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(10):
        f.write(struct.pack("<IIII", i, 0, len(frame), len(frame)) + frame)
PY

start_daemon "$WORK/d1" || exit 1
mode=$(stat -c %a "$SOCK")
[ "$mode" = 660 ] && pass "socket mode 0660" || fail "socket mode is $mode"

# The daemon re-executed itself (same pid: the one we started is the one answering) with its
# heap on transparent huge pages, unless the kernel has them off.
environ=$(tr '\0' '\n' < "/proc/$DAEMON_PID/environ")
if grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
  case "$environ" in
    *glibc.malloc.hugetlb*) fail "THP is off, yet the heap tunable was set" ;;
    *) pass "THP off: heap left on 4 KiB pages" ;;
  esac
else
  case "$environ" in
    # (glibc cuts the string it parsed at the first ':' in place, so only the first shows)
    *"GLIBC_TUNABLES=glibc.malloc.hugetlb=1"*) pass "heap on huge pages (pid $DAEMON_PID re-executed)" ;;
    *) fail "vswitchd did not set its heap tunables: $(grep GLIBC <<< "$environ")" ;;
  esac
fi
comm=$(cat "/proc/$DAEMON_PID/comm")
[ "$comm" = vswitchd ] && pass "process name still vswitchd after the re-exec" || fail "process name is '$comm'"

# --- ports through vsctl -------------------------------------------------------------
vsctl add-port n1 null && pass "add-port n1 null" || fail "add-port n1 null"
vsctl add-port r1 ring learn-limit=5 admin=down && pass "add-port r1 ring" || fail "add-port r1 ring"
[ "$(vsctl list-ports | tr '\n' ' ')" = "n1 r1 " ] && pass "list-ports" || fail "list-ports: $(vsctl list-ports)"
show=$(vsctl show)
echo "$show"
echo "$show" | grep -Eq '^n1 +[0-9]+ +null +up ' && pass "show: n1 row" || fail "show lacks n1 row"
echo "$show" | grep -Eq '^r1 +[0-9]+ +ring +down .*learn-limit=5' && pass "show: r1 row" || fail "show lacks r1 row"
stats=$(vsctl port-stats r1)
echo "$stats" | grep -q "^port r1 (port_no" && echo "$stats" | grep -q "tx_ring_full=" &&
  pass "port-stats r1 lists drop reasons" || fail "port-stats r1: $stats"
json=$(vsctl --json port-stats n1)
[ "$(json_get "$json" "d['ports'][0]['name'], d['ports'][0]['counters']['rxPackets']")" = "n1 0" ] &&
  pass "--json port-stats" || fail "--json port-stats: $json"
vsctl worker-stats | grep -Eq "rx queues: .*n1:0" && pass "worker-stats shows n1's queue" || fail "worker-stats"
vsctl set-port r1 admin=up && vsctl --json port-stats r1 | grep -q '"adminUp": true' &&
  pass "set-port admin=up" || fail "set-port admin=up"

# --- bad calls: clear errors, right exit codes --------------------------------------
expect_error 1 "duplicate name" "port 'n1' already exists" -- add-port n1 ring
expect_error 1 "unknown type" "unknown type 'nosuch'" -- add-port x1 nosuch
expect_error 1 "bad option" "option 'bogus' is not valid for type null" -- add-port x2 null bogus=1
expect_error 1 "bad option value" "option 'no-rx': expected 0/1/true/false, got 'maybe'" -- add-port x3 null no-rx=maybe
expect_error 1 "device that cannot be opened" "port 'x4': cannot open device" -- add-port x4 pcap rx-pcap=$WORK/missing.pcap
expect_error 1 "delete unknown port" "port 'nope' does not exist" -- del-port nope
expect_error 1 "stats of unknown port" "port 'nope' does not exist" -- port-stats nope
expect_error 1 "static MAC on unknown port" "port 'nope' does not exist" -- fdb-add 1 02:00:00:00:00:01 nope
expect_error 1 "bad MAC" "'zz' is not a MAC address" -- fdb-add 1 zz n1
expect_error 2 "usage: bad mtu" "mtu: expected a number" -- add-port x5 null mtu=abc
expect_error 2 "usage: missing args" "missing arguments" -- add-port x6
expect_error 2 "usage: unknown command" "unknown command 'frob'" -- frob
expect_error 2 "usage: VLAN range" "VLAN: expected a number 0..4095" -- fdb-add 5000 02:00:00:00:00:01 n1
"$BIN/vsctl" --server "$WORK/nothing.sock" show 2>/dev/null
[ $? = 3 ] && pass "unreachable daemon: exit 3" || fail "unreachable daemon: wrong exit code"
[ "$(vsctl list-ports | tr '\n' ' ')" = "n1 r1 " ] && pass "bad calls changed nothing" || fail "ports changed"

# --- a second daemon on the same socket is refused ------------------------------------
err=$("$BIN/vswitchd" --no-huge --in-memory --memory 256 --socket "$SOCK" --state-dir none 2>&1 >/dev/null)
rc=$?
[ $rc != 0 ] && [ "$err" = "vswitchd: error: socket $SOCK is in use by another vswitchd" ] &&
  pass "second daemon refused" || fail "second daemon: rc=$rc '$err'"
kill -0 "$DAEMON_PID" && vsctl show >/dev/null && pass "first daemon still serving" || fail "first daemon gone"

# --- traffic moves counters, learning fills the FDB -------------------------------------
vsctl del-port r1 && pass "del-port r1" || fail "del-port r1"
vsctl add-port src pcap rx-pcap="$WORK/ten.pcap" && pass "add-port pcap source" || fail "add-port pcap"
for _ in $(seq 1 50); do
  [ "$(json_get "$(vsctl --json port-stats n1)" "d['ports'][0]['counters']['txPackets']")" = 10 ] && break
  sleep 0.1
done
json=$(vsctl --json port-stats)
[ "$(json_get "$json" "[p['counters']['rxPackets'] for p in d['ports'] if p['name']=='src'][0]")" = 10 ] &&
  pass "src rx 10 packets" || fail "src rx: $json"
[ "$(json_get "$json" "[p['counters']['txPackets'] for p in d['ports'] if p['name']=='n1'][0]")" = 10 ] &&
  pass "n1 tx 10 flooded packets" || fail "n1 tx: $json"
vsctl fdb-show | grep -Eq '^ *src +0 +02:00:00:00:00:aa +[0-9]+$' && pass "fdb-show learned the source" ||
  fail "fdb-show: $(vsctl fdb-show)"
vsctl fdb-add 7 02:00:00:00:00:07 n1 && vsctl fdb-show | grep -Eq 'n1 +7 +02:00:00:00:00:07 +static' &&
  pass "fdb-add static" || fail "fdb-add static"
vsctl fdb-flush && ! vsctl fdb-show | grep -q 02:00:00:00:00:aa && vsctl fdb-show | grep -q 02:00:00:00:00:07 &&
  pass "fdb-flush removes learned, keeps static" || fail "fdb-flush"
vsctl del-port src

# --- persistence across a restart -------------------------------------------------------
grep -q 'name: "n1"' "$STATE/state.textproto" && pass "state file written" || fail "state file lacks n1"
stop_daemon && pass "SIGTERM: clean exit 0" || fail "SIGTERM: non-zero exit"
[ ! -e "$SOCK" ] && pass "socket removed at shutdown" || fail "socket left behind"
start_daemon "$WORK/d2" || exit 1
[ "$(vsctl list-ports | tr '\n' ' ')" = "n1 " ] && pass "ports restored" || fail "restore: $(vsctl list-ports)"
vsctl fdb-show | grep -q "02:00:00:00:00:07" && pass "static MAC restored" || fail "static MAC not restored"
stop_daemon

# --- config file: all or nothing ----------------------------------------------------------
cat >"$WORK/good.conf" <<CONF
ports { name: "c1" type: "null" }
ports { name: "c2" type: "ring" }
CONF
start_daemon "$WORK/d3" --config "$WORK/good.conf" || exit 1
[ "$(vsctl list-ports | tr '\n' ' ')" = "c1 c2 n1 " ] && pass "config + state" || fail "config: $(vsctl list-ports)"
stop_daemon
cat >"$WORK/bad.conf" <<CONF
ports { name: "c1" type: "null" }
ports { name: "c3" type: "pcap" options { key: "rx-pcap" value: "$WORK/missing.pcap" } }
CONF
err=$("$BIN/vswitchd" --no-huge --in-memory --memory 256 --socket "$SOCK" --state-dir none --config "$WORK/bad.conf" 2>&1 >/dev/null)
[ $? != 0 ] && echo "$err" | grep -q "vswitchd: error: $WORK/bad.conf: ports\[1\] 'c3': " &&
  pass "config port that cannot open names it" || fail "bad config: $err"
echo 'ports { name: "c1" tpye: "null" }' >"$WORK/typo.conf"
err=$("$BIN/vswitchd" --no-huge --in-memory --memory 256 --socket "$SOCK" --state-dir none --config "$WORK/typo.conf" 2>&1 >/dev/null)
[ $? != 0 ] && echo "$err" | grep -q "vswitchd: error: $WORK/typo.conf: line 1, column" &&
  pass "config typo: line and column" || fail "typo config: $err"

if [ $FAILURES != 0 ]; then
  echo "$FAILURES check(s) failed"
  exit 1
fi
echo "all checks passed"
