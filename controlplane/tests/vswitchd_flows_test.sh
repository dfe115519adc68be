#!/bin/bash
# End-to-end test of the flow-table and meter control surface against a real vswitchd (DPDK
# with --no-huge --in-memory; null, ring and pcap ports), driven by vsctl:
#   add-flows from a file and from stdin (one atomic batch), the dump-flows line format and
#   its round trip (dump -> strip statistics -> feed back -> same dump), a bad rule in a batch
#   rejected with its file line and index and nothing applied, mod-flows/del-flows (strict and
#   not), rule counters moved by real frames that the rules steer and drop, trace naming the
#   table, rule and fate, meters (add/mod/dump/stats, in-use deletion refused), --json, usage
#   errors, flows and meters surviving a restart, and a config file with flows and meters
#   (a bad line named, non-zero exit).
# Usage: vswitchd_flows_test.sh BIN_DIR      Exit 77 (skipped) when not root.
set -u

BIN=${1:?usage: $0 BIN_DIR}
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: DPDK needs root"
  exit 77
fi

WORK=$(mktemp -d /tmp/vs-flows-e2e.XXXXXX)
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

# expect_error RC DESCRIPTION EXPECTED_STDERR_SUBSTRING -- vsctl args...
expect_error() {
  local want_rc=$1 what=$2 want_msg=$3
  shift 4
  local err rc
  err=$(vsctl "$@" 2>&1 >/dev/null </dev/null)
  rc=$?
  if [ "$rc" != "$want_rc" ]; then fail "$what: exit $rc, want $want_rc ($err)"; return; fi
  case "$err" in
    *"$want_msg"*) pass "$what: $err" ;;
    *) fail "$what: message '$err' lacks '$want_msg'" ;;
  esac
}

json_get() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($2)" "$1"; }

# The rules as installed: a dump without the statistics ovs-ofctl prints in front.
strip_stats() { sed -E 's/duration=[^,]*, //; s/n_packets=[^,]*, //; s/n_bytes=[^,]*, //; s/idle_age=[^,]*, //'; }
rules() { vsctl dump-flows "$@" | strip_stats; }

# A finite source: broadcast frames from 02:00:00:00:00:aa, IPv4/UDP 10.0.0.1 -> 10.0.0.2,
# ten to port 53 and five to port 54, 64 bytes each.
python3 - "$WORK/udp.pcap" <<'PY'
import struct, sys
def frame(dport):
    ip = bytes.fromhex("4500001c000100004011" "0000" "0a000001" "0a000002")
    udp = struct.pack("!HHHH", 1234, dport, 8, 0)
    f = bytes.fromhex("ffffffffffff" "0200000000aa" "0800") + ip + udp
    return f + bytes(64 - len(f))
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, dport in enumerate([53] * 10 + [54] * 5):
        data = frame(dport)
        f.write(struct.pack("<IIII", i, 0, len(data), len(data)) + data)
PY

start_daemon "$WORK/d1" || exit 1
vsctl add-port n1 null && vsctl add-port n2 null && vsctl add-port r1 ring || fail "add ports"

# --- add-flows from a file: one batch ------------------------------------------------------
cat >"$WORK/rules.txt" <<'RULES'
# web traffic to n2, the rest of IP to n1 through table 1
priority=200,in_port=r1,tcp,tp_dst=80,actions=output:n2

table=0,priority=100,cookie=0x10,in_port=r1,ip,actions=goto_table:1
   table=1,priority=10,ip,nw_dst=10.0.0.0/24,actions=mod_dl_dst:02:00:00:00:00:01,output:n1
priority=1,actions=drop
RULES
vsctl add-flows "$WORK/rules.txt" && pass "add-flows FILE" || fail "add-flows FILE"
dump=$(vsctl dump-flows)
echo "$dump"
[ "$(echo "$dump" | wc -l)" = 4 ] && pass "dump-flows: 4 rules" || fail "dump-flows: $(echo "$dump" | wc -l) lines"
echo "$dump" | grep -Evq '^cookie=0x[0-9a-f]+, duration=[0-9]+\.[0-9]{3}s, table=[0-9]+, n_packets=[0-9]+, n_bytes=[0-9]+, idle_age=[0-9]+, priority=' &&
  fail "dump-flows line format: $dump" || pass "dump-flows lines: cookie, duration, table, n_packets, n_bytes, idle_age, rule"
echo "$dump" | grep -q '^cookie=0x10, .* table=0, .*priority=100,in_port=r1,ip actions=goto_table:1$' &&
  pass "dump-flows shows the cookie and port names" || fail "dump-flows lacks the cookie rule"
[ "$(rules table=1 | wc -l)" = 1 ] && pass "dump-flows table=1" || fail "dump-flows table=1: $(rules table=1)"
[ "$(rules cookie=0x10/-1 | wc -l)" = 1 ] && pass "dump-flows cookie=0x10/-1" || fail "dump-flows cookie filter"
vsctl dump-tables | grep -q '^table=1: active=1, matched=0$' && pass "dump-tables" || fail "dump-tables: $(vsctl dump-tables)"
json=$(vsctl --json dump-flows table=1)
[ "$(json_get "$json" "d['flows'][0]['table'], d['flows'][0]['nPackets']")" = "1 0" ] &&
  pass "--json dump-flows" || fail "--json dump-flows: $json"

# --- round trip: dump minus statistics, fed back, gives the same dump ------------------------
before=$(rules)
vsctl del-flows && [ -z "$(vsctl dump-flows)" ] && pass "del-flows (all)" || fail "del-flows (all)"
echo "$before" | vsctl add-flows - && pass "add-flows - (stdin)" || fail "add-flows -"
after=$(rules)
[ "$before" = "$after" ] && pass "dump -> strip stats -> add-flows -> same dump" ||
  fail "round trip differs:\n$before\n--\n$after"
# The whole dump line (statistics included) is accepted too, like ovs-ofctl.
vsctl dump-flows | vsctl add-flows - && [ "$(rules)" = "$before" ] &&
  pass "dump with statistics fed back unchanged" || fail "dump with statistics not accepted"

# --- a large batch: 100k rules, over gRPC's default 4 MB message size both ways --------------
python3 -c "
for i in range(100000):
    print(f'table=9,priority=10,udp,nw_dst=10.{i >> 16}.{(i >> 8) & 255}.{i & 255},tp_dst=53,actions=drop')
" >"$WORK/big.txt"
vsctl --timeout 120 add-flows "$WORK/big.txt" && [ "$(vsctl --timeout 120 dump-flows table=9 | wc -l)" = 100000 ] &&
  pass "100k rules in one batch, dumped back" || fail "100k rules: $(vsctl dump-tables 2>&1)"
vsctl --timeout 120 del-flows table=9 && [ "$(rules)" = "$before" ] && pass "del-flows table=9" || fail "del-flows table=9"

# --- a bad rule in a batch: its line and index named, nothing applied ------------------------
printf 'priority=300,in_port=n1,actions=drop\n# comment\npriority=301,tp_dst=80x,tcp,actions=drop\npriority=302,actions=drop\n' >"$WORK/bad.txt"
expect_error 1 "bad rule in a batch" "$WORK/bad.txt:3: flow-mod 1: token 2 'tp_dst=80x'" -- add-flows "$WORK/bad.txt"
[ "$(rules)" = "$before" ] && pass "refused batch applied nothing" || fail "refused batch changed the rules"
expect_error 1 "unknown port in a rule" "nosuch" -- add-flow "in_port=nosuch,actions=drop"
expect_error 1 "unknown meter in a rule" "meter:9" -- add-flow "priority=5,actions=meter:9,output:n1"
expect_error 1 "bad filter" "filter: " -- dump-flows tabel=1
expect_error 2 "add-flows missing file" "cannot read $WORK/missing.txt" -- add-flows "$WORK/missing.txt"
expect_error 2 "add-flow without a rule" "missing arguments" -- add-flow
expect_error 2 "--strict on add-flow" "add-flow: " -- add-flow --strict actions=drop
expect_error 2 "del-meters two selectors" "too many arguments" -- del-meters meter=1 meter=2
"$BIN/vsctl" --server "$WORK/nothing.sock" dump-flows 2>/dev/null
[ $? = 3 ] && pass "unreachable daemon: exit 3" || fail "unreachable daemon: wrong exit code"

# --- mod-flows / del-flows, strict and not ---------------------------------------------------
vsctl mod-flows --strict "priority=1,actions=output:n1" && rules | grep -q '^cookie=0x0, table=0, priority=1 actions=output:n1$' &&
  pass "mod-flows --strict" || fail "mod-flows --strict: $(rules)"
vsctl mod-flows "table=1,ip,actions=output:n2" && rules table=1 | grep -q 'actions=output:n2$' &&
  pass "mod-flows (non-strict)" || fail "mod-flows: $(rules table=1)"
vsctl del-flows --strict "priority=200,in_port=r1,tcp,tp_dst=80" && ! rules | grep -q 'priority=200' &&
  [ "$(rules | wc -l)" = 3 ] && pass "del-flows --strict" || fail "del-flows --strict: $(rules)"

# --- real frames: steered, dropped and counted by the rules ---------------------------------
vsctl del-flows
vsctl add-flow "priority=10,in_port=src,udp,tp_dst=53,actions=output:n2" 2>/dev/null &&
  fail "a rule naming a port that does not exist yet was accepted" || pass "rule on a missing port refused"
# The source starts sending as soon as it is added, so the rules select its frames by MAC.
cat >"$WORK/steer.txt" <<RULES
priority=10,dl_src=02:00:00:00:00:aa,udp,tp_dst=53,actions=output:n2
priority=5,dl_src=02:00:00:00:00:aa,actions=drop
RULES
vsctl add-flows "$WORK/steer.txt" && vsctl add-port src pcap rx-pcap="$WORK/udp.pcap" || fail "steering setup"
for _ in $(seq 1 100); do
  [ "$(json_get "$(vsctl --json port-stats src)" "d['ports'][0]['counters']['rxPackets']")" = 15 ] && break
  sleep 0.1
done
sleep 0.5
json=$(vsctl --json port-stats)
port_counter() { json_get "$json" "[p['counters']['$2'] for p in d['ports'] if p['name']=='$1'][0]"; }
policy_drops=$(json_get "$json" "[c['value'] for p in d['ports'] if p['name']=='src' for c in p['counters']['drops'] if c['name']=='policy'][0]")
[ "$(port_counter src rxPackets)" = 15 ] && [ "$(port_counter n2 txPackets)" = 10 ] && [ "$(port_counter n1 txPackets)" = 0 ] &&
  [ "$policy_drops" = 5 ] && pass "15 frames: 10 steered to n2 only, 5 dropped by the rule (policy)" ||
  fail "steering: $(vsctl port-stats)"
dump=$(vsctl dump-flows)
echo "$dump" | grep -q 'n_packets=10, n_bytes=640, idle_age=[0-9]*, priority=10,dl_src=02:00:00:00:00:aa,udp,tp_dst=53 actions=output:n2$' &&
  echo "$dump" | grep -q 'n_packets=5, n_bytes=320, idle_age=[0-9]*, priority=5,dl_src=02:00:00:00:00:aa actions=drop$' &&
  pass "rule counters: 10 and 5 packets" || fail "rule counters: $dump"

# --- trace: table, rule and fate ---------------------------------------------------------------
trace=$(vsctl trace in_port=src,dl_src=02:00:00:00:00:aa,udp,nw_dst=10.0.0.2,tp_dst=53)
echo "$trace"
echo "$trace" | grep -q '^table 0: matched table=0, priority=10,dl_src=02:00:00:00:00:aa,udp,tp_dst=53 actions=output:n2$' &&
  echo "$trace" | grep -q '^fate: output:n2$' && pass "trace: table, rule, fate" || fail "trace: $trace"
trace=$(vsctl trace in_port=src,dl_src=02:00:00:00:00:aa,tcp,tp_dst=22)
echo "$trace" | grep -q '^table 0: matched .*priority=5,dl_src=02:00:00:00:00:aa actions=drop$' && echo "$trace" | grep -q '^fate: drop' &&
  pass "trace: dropped packet" || fail "trace drop: $trace"
expect_error 1 "trace of an unknown port" "nosuch" -- trace in_port=nosuch,tcp

# --- meters --------------------------------------------------------------------------------
vsctl add-meter meter=1,pktps,bands=type=drop,rate=1000 && pass "add-meter" || fail "add-meter"
expect_error 1 "duplicate meter" "1" -- add-meter meter=1,pktps,bands=type=drop,rate=5
expect_error 1 "bad meter" "dscp_remark" -- add-meter meter=2,pktps,bands=type=dscp_remark,rate=5
vsctl add-flow "priority=20,in_port=n1,actions=meter:1,output:n2" && pass "rule with meter:1" || fail "rule with meter:1"
vsctl mod-meter meter=1,kbps,burst,bands=type=drop,rate=2000,burst_size=100 && pass "mod-meter" || fail "mod-meter"
[ "$(vsctl dump-meters)" = "meter=1,kbps,burst,bands=type=drop,rate=2000,burst_size=100" ] &&
  pass "dump-meters" || fail "dump-meters: $(vsctl dump-meters)"
vsctl meter-stats meter=1 | grep -q '^meter:1 flow_count:1 ' && pass "meter-stats: flow_count 1" ||
  fail "meter-stats: $(vsctl meter-stats meter=1)"
expect_error 1 "delete a meter in use" "meter" -- del-meters meter=1
vsctl add-meter meter=2,pktps,bands=type=drop,rate=7 && vsctl del-meters meter=2 &&
  [ "$(vsctl dump-meters | wc -l)" = 1 ] && pass "del-meters meter=2" || fail "del-meters meter=2"
expect_error 1 "stats of an unknown meter" "77" -- meter-stats meter=77

# --- persistence: flows and meters come back after a restart ----------------------------------
flows_before=$(rules)
meters_before=$(vsctl dump-meters)
grep -q 'meter=1,kbps' "$STATE/state.textproto" && grep -q 'flows: "table=0, priority=20,in_port=n1 actions=meter:1,output:n2"' "$STATE/state.textproto" &&
  pass "state file holds flows and meters" || fail "state file: $(cat "$STATE/state.textproto")"
stop_daemon && pass "SIGTERM: clean exit 0" || fail "SIGTERM: non-zero exit"
start_daemon "$WORK/d2" || exit 1
grep -q "restored 4 ports, 0 static MACs, 1 meters and 3 flows" "$WORK/d2.err" && pass "restore reported" ||
  fail "restore line: $(cat "$WORK/d2.err")"
[ "$(rules)" = "$flows_before" ] && pass "flows restored" || fail "flows after restart:\n$(rules)\nwant\n$flows_before"
[ "$(vsctl dump-meters)" = "$meters_before" ] && pass "meters restored" || fail "meters after restart: $(vsctl dump-meters)"

# Flow changes after the snapshot go to the journal (no rewrite of the state file) and are
# replayed, in order, after a restart; a kill -9 loses nothing that was acknowledged.
snapshot_before=$(cat "$STATE/state.textproto")
vsctl add-flow "priority=40,in_port=r1,actions=output:n1" && vsctl del-flows --strict "priority=20,in_port=n1" &&
  vsctl mod-flows "in_port=r1,actions=output:n2" && pass "three journaled changes" || fail "journaled changes"
[ "$(cat "$STATE/state.textproto")" = "$snapshot_before" ] && pass "state file not rewritten by flow changes" ||
  fail "state file rewritten"
journal=$(ls "$STATE"/flows.*.journal 2>/dev/null)
[ "$(grep -c '^commit$' $journal 2>/dev/null)" = 3 ] && pass "journal holds 3 batches" || fail "journal: $(cat $journal 2>&1)"
flows_journaled=$(rules)
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
rm -f "$SOCK"
start_daemon "$WORK/d2b" || exit 1
grep -q "replayed 3 flow batches (3 flow-mods)" "$WORK/d2b.err" && pass "journal replayed" ||
  fail "replay line: $(cat "$WORK/d2b.err")"
[ "$(rules)" = "$flows_journaled" ] && pass "flows after kill -9 and restart" ||
  fail "flows after kill -9:\n$(rules)\nwant\n$flows_journaled"
[ -z "$(ls "$STATE"/flows.*.journal 2>/dev/null)" ] && pass "journal folded into the snapshot at start-up" ||
  fail "journal left: $(ls "$STATE")"
stop_daemon

# --- config file: meters and flows applied at start, a bad line named -------------------------
rm -rf "$STATE"
cat >"$WORK/flows.conf" <<'CONF'
ports { name: "c1" type: "null" }
ports { name: "c2" type: "null" }
meters: "meter=5,pktps,bands=type=drop,rate=100"
flows: "priority=100,in_port=c1,actions=meter:5,output:c2"
flows: "table=0,priority=0,actions=drop"
CONF
start_daemon "$WORK/d3" --config "$WORK/flows.conf" || exit 1
[ "$(rules | tr '\n' '|')" = "cookie=0x0, table=0, priority=100,in_port=c1 actions=meter:5,output:c2|cookie=0x0, table=0, priority=0 actions=drop|" ] &&
  pass "config flows installed" || fail "config flows: $(rules)"
[ "$(vsctl dump-meters)" = "meter=5,pktps,bands=type=drop,rate=100" ] && pass "config meters installed" ||
  fail "config meters: $(vsctl dump-meters)"
stop_daemon
cat >"$WORK/badflow.conf" <<'CONF'
ports { name: "c1" type: "null" }
flows: "priority=100,in_port=c1,actions=drop"
flows: "priority=50,in_port=c9,actions=drop"
CONF
err=$("$BIN/vswitchd" --no-huge --in-memory --memory 256 --socket "$SOCK" --state-dir none --config "$WORK/badflow.conf" 2>&1 >/dev/null)
rc=$?
[ $rc != 0 ] && echo "$err" | grep -q "^vswitchd: error: $WORK/badflow.conf: flows\[1\] \"priority=50,in_port=c9,actions=drop\": .*c9" &&
  pass "bad config flow names its line: $err" || fail "bad config flow: rc=$rc '$err'"
cat >"$WORK/badgoto.conf" <<'CONF'
ports { name: "c1" type: "null" }
meters: "meter=5,pktps,bands=type=drop,rate=100"
flows: "priority=100,in_port=c1,actions=meter:5,goto_table:1"
flows: "table=1,priority=1,actions=output:300"
CONF
err=$("$BIN/vswitchd" --no-huge --in-memory --memory 256 --socket "$SOCK" --state-dir none --config "$WORK/badgoto.conf" 2>&1 >/dev/null)
rc=$?
[ $rc != 0 ] && echo "$err" | grep -q "^vswitchd: error: $WORK/badgoto.conf: flows\[1\] \"table=1,priority=1,actions=output:300\": actions: output:300: port numbers are 1-255$" &&
  pass "config flow refused when applied names its line: $err" || fail "bad goto config: rc=$rc '$err'"

if [ $FAILURES != 0 ]; then
  echo "$FAILURES check(s) failed"
  exit 1
fi
echo "all checks passed"
