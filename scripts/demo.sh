#!/usr/bin/env bash
# demo.sh: vswitch in one command. Sets the machine up (packages, hugepages), builds, then
# starts vswitchd on configs/demo.textproto with two containers (network namespaces vsdemo-a
# and vsdemo-b, each on a veth pair plugged into the switch), pings between them through the
# switch and shows what vsctl reports. Then it cleans up, unless --keep.
#
#   sudo scripts/demo.sh            the whole demo, cleaned up at the end
#   sudo scripts/demo.sh --keep     leave the switch and the containers running to play with
#   sudo scripts/demo.sh --stop     stop a demo left running with --keep
# Options for scripted use: --no-setup (skip setup.sh), --bin-dir DIR (use these binaries,
# skip the build). Exit code 0 only when every ping got through.
set -euo pipefail
source "$(dirname "$0")/common.sh"

RUN_DIR=/run/vswitch-demo
SOCKET="${RUN_DIR}/vswitchd.sock"
PID_FILE="${RUN_DIR}/vswitchd.pid"
LOG_FILE="${RUN_DIR}/vswitchd.log"
NS_A=vsdemo-a NS_B=vsdemo-b          # namespaces = containers
IF_A=vsdemo-a IF_B=vsdemo-b          # host ends of their veth pairs (named in demo.textproto)
IP_A=10.99.0.1 IP_B=10.99.0.2
MAC_A=02:00:00:99:00:01 MAC_B=02:00:00:99:00:02
CONFIG="${VSWITCH_ROOT}/configs/demo.textproto"

keep=0 setup=1 bin_dir="" action=run
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) keep=1 ;;
    --stop) action=stop ;;
    --no-setup) setup=0 ;;
    --bin-dir) bin_dir="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see $0 --help)" ;;
  esac
  shift
done

is_root || die "the demo creates namespaces and runs DPDK: run it as root (sudo $0)"

stop_demo() {
  if [[ -f "$PID_FILE" ]]; then
    local pid
    pid="$(cat "$PID_FILE")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      info "stopped vswitchd (pid $pid)"
    fi
    rm -f "$PID_FILE"
  fi
  local ns
  for ns in "$NS_A" "$NS_B"; do
    if ip netns list | grep -qw "^$ns"; then ip netns delete "$ns"; info "deleted namespace $ns"; fi
  done
  ip link delete "$IF_A" 2>/dev/null || true
  ip link delete "$IF_B" 2>/dev/null || true
}

if [[ "$action" == stop ]]; then
  step "stopping the demo"
  stop_demo
  rm -rf "$RUN_DIR"
  exit 0
fi

if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  die "a demo is already running (vswitchd pid $(cat "$PID_FILE")): stop it with $0 --stop"
fi

if (( setup )) && [[ "${VSWITCH_SKIP_SETUP:-0}" != 1 ]]; then
  "$VSWITCH_ROOT/scripts/setup.sh"
fi
if [[ -z "$bin_dir" ]]; then
  "$VSWITCH_ROOT/scripts/build.sh"
  bin_dir="${VSWITCH_BUILD_DIR}/bin"
fi
VSWITCHD="${bin_dir}/vswitchd"
VSCTL="${bin_dir}/vsctl"
[[ -x "$VSWITCHD" && -x "$VSCTL" ]] || die "vswitchd/vsctl not found in ${bin_dir}"

# From here on, whatever happens, leave nothing behind (unless --keep and all went well).
succeeded=0
on_exit() {
  if (( keep && succeeded )); then return; fi
  step "cleaning up"
  stop_demo
  rm -rf "$RUN_DIR"
}
trap on_exit EXIT
stop_demo >/dev/null 2>&1 || true   # leftovers of a demo that was killed

make_container() {  # NAMESPACE HOST_IF IP MAC
  local ns="$1" host_if="$2" ip_addr="$3" mac="$4"
  ip netns add "$ns"
  ip link add "$host_if" type veth peer name eth0 netns "$ns"
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip link set eth0 address "$mac"
  ip netns exec "$ns" ip addr add "${ip_addr}/24" dev eth0
  ip netns exec "$ns" ip link set eth0 up
  # Finished checksums on TCP segments that leave the container (a VM peer would drop them).
  ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1 || true
  # The host end is a switch port, not a host interface: without IPv6 the host kernel sends
  # nothing of its own on it (router solicitations, MLD) that the switch would forward.
  sysctl -qw "net.ipv6.conf.${host_if}.disable_ipv6=1" 2>/dev/null || true
  ip link set "$host_if" up
  info "container $ns: eth0 $ip_addr ($mac), plugged in through host interface $host_if"
}

step "creating two containers (network namespaces on veth pairs)"
make_container "$NS_A" "$IF_A" "$IP_A" "$MAC_A"
make_container "$NS_B" "$IF_B" "$IP_B" "$MAC_B"

step "starting vswitchd with ${CONFIG#"$VSWITCH_ROOT"/}"
mkdir -p "$RUN_DIR"
# One worker lcore (the main lcore runs the API); a short idle sleep keeps an idle demo from
# spinning a core at 100%; no persistence, so the demo never changes the host's saved state.
setsid "$VSWITCHD" --config "$CONFIG" --socket "$SOCKET" --state-dir none --file-prefix vsdemo \
  --memory 256 --workers 1 --idle-sleep-us 20 >"$LOG_FILE" 2>&1 &
echo $! > "$PID_FILE"
for _ in $(seq 300); do
  grep -q "vswitchd: ready on unix:" "$LOG_FILE" && break
  kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { cat "$LOG_FILE" >&2; die "vswitchd exited during start-up (log above)"; }
  sleep 0.1
done
grep -q "vswitchd: ready on unix:" "$LOG_FILE" || { cat "$LOG_FILE" >&2; die "vswitchd not ready after 30 s"; }
info "vswitchd pid $(cat "$PID_FILE"): $(grep "ready on" "$LOG_FILE")"
vsctl() { echo "\$ vsctl $*"; "$VSCTL" --server "$SOCKET" "$@"; }

step "ping container A -> container B through the switch"
ok=1
ip netns exec "$NS_A" ping -c 5 -i 0.2 -W 2 "$IP_B" || ok=0
step "ping container B -> container A"
ip netns exec "$NS_B" ping -c 5 -i 0.2 -W 2 "$IP_A" || ok=0

step "what the switch reports"
vsctl show
echo
vsctl port-stats
echo
vsctl fdb-show
echo
vsctl worker-stats

(( ok )) || die "some pings got no reply (vswitchd log: $LOG_FILE)"
succeeded=1
step "demo OK: containers A and B talk through vswitchd"
if (( keep )); then
  cat <<MSG

The demo keeps running. Try:
  export VSCTL_SERVER=$SOCKET
  ${VSCTL} port-stats
  sudo ip netns exec $NS_A ping $IP_B
Stop it with:   sudo $0 --stop
MSG
fi
