#!/bin/bash
# Runs pktgen-dpdk unattended against a switch's two vhost-user server sockets:
#   run-pktgen.sh PKTGEN SOCKET0 SOCKET1 RESULT_FILE [SECONDS [SIZE [FLOWS [LCORES]]]]
# pktgen attaches with net_virtio_user (client) on both sockets, sends range-mode traffic
# into SOCKET0 and counts what comes back on SOCKET1 (bench/pktgen/vhost-range.lua), writes
# one result line to RESULT_FILE and quits. pktgen insists on a terminal, so it runs under
# `script -qfec`. LCORES defaults to "0,1": main lcore 0, one worker lcore 1 for both ports.
set -eu
pktgen=${1:?usage: run-pktgen.sh PKTGEN SOCKET0 SOCKET1 RESULT_FILE [SECONDS [SIZE [FLOWS [LCORES]]]]}
sock0=${2:?SOCKET0 missing}
sock1=${3:?SOCKET1 missing}
result=${4:?RESULT_FILE missing}
seconds=${5:-10}
size=${6:-64}
flows=${7:-1024}
lcores=${8:-0,1}
here=$(cd "$(dirname "$0")" && pwd)
worker=${lcores#*,}

[ -x "$pktgen" ] || { echo "run-pktgen.sh: $pktgen is not an executable" >&2; exit 2; }
command -v script >/dev/null || { echo "run-pktgen.sh: 'script' (bsdutils) is needed for pktgen's tty" >&2; exit 2; }

# --single-file-segments: virtio-user shares memory with the vhost side by file descriptor and
# runs out of memory regions otherwise. --in-memory: no runtime files to collide with others.
cmd=("$pktgen" -l "$lcores" --in-memory --single-file-segments -m 512 --no-pci
     --vdev "net_virtio_user0,path=$sock0,queues=1,queue_size=1024"
     --vdev "net_virtio_user1,path=$sock1,queues=1,queue_size=1024"
     -- -P -T -m "[$worker].[0-1]" -f "$here/vhost-range.lua")
rm -f "$result"
export VSB_SECONDS=$seconds VSB_SIZE=$size VSB_FLOWS=$flows VSB_RESULT=$result
log=${result%.*}.log
# pktgen's Lua package path is relative to its own tree: run it from there when known.
cd "$(dirname "$(readlink -f "$pktgen")")/../.." 2>/dev/null || true
timeout $((seconds + 60)) script -qfec "$(printf '%q ' "${cmd[@]}")" /dev/null > "$log" 2>&1 || true
if [ ! -s "$result" ]; then
  echo "run-pktgen.sh: pktgen wrote no result; last lines of $log:" >&2
  tail -5 "$log" >&2
  exit 1
fi
cat "$result"
