#!/bin/busybox sh
# /init of the test guest (busybox initramfs built by build_guest.sh).
#
# Everything the test harness needs to know is printed on the serial console as
# lines starting with "VSTEST ", so vm_pair_test.py can parse the serial log.
# Kernel command line parameters (all optional except vsrole/vsip):
#   vsrole=server|client  what to do once the network is up
#   vsip=A.B.C.D/NN       address for eth0
#   vsmac=xx:..           MAC for eth0 (QEMU's mac= normally sets it already)
#   vspeer=A.B.C.D        client: the server's address
#   vsport=N              TCP port of the transfer (default 5001)
#   vssize=BYTES          client: size of the random file sent (default 2 MiB)
#   vspings=N             client: pings that must all be answered (default 20)
#   vswait=SECONDS        client: how long to wait for the peer's first reply (default 90)

/bin/busybox mkdir -p /bin /sbin /proc /sys /dev /tmp
/bin/busybox --install -s /bin
export PATH=/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

say() { echo "VSTEST $*"; }

finish() {
    say "DONE $1"
    sync
    # -f: there is no init system to stop; power the VM off right away so QEMU exits.
    poweroff -f
    sleep 5
    echo o > /proc/sysrq-trigger
}

vsrole=""; vsip=""; vsmac=""; vspeer=""; vsport=5001; vssize=2097152; vspings=20; vswait=90
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        vsrole=*) vsrole="${arg#*=}" ;;
        vsip=*) vsip="${arg#*=}" ;;
        vsmac=*) vsmac="${arg#*=}" ;;
        vspeer=*) vspeer="${arg#*=}" ;;
        vsport=*) vsport="${arg#*=}" ;;
        vssize=*) vssize="${arg#*=}" ;;
        vspings=*) vspings="${arg#*=}" ;;
        vswait=*) vswait="${arg#*=}" ;;
    esac
done
say "BOOTED role=$vsrole uptime=$(cut -d' ' -f1 /proc/uptime)"

# The virtio stack is modular in Debian's kernel; the order is the dependency order.
while read -r module; do
    [ -n "$module" ] || continue
    insmod "/lib/modules/$module.ko" || say "WARN insmod $module failed"
done < /lib/modules/load-order

tries=0
while [ ! -e /sys/class/net/eth0 ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        say "FAIL no eth0 appeared (is the virtio-net device attached?)"
        finish fail
    fi
    sleep 0.1
done
ip link set lo up
[ -n "$vsmac" ] && ip link set eth0 address "$vsmac"
ip addr add "$vsip" dev eth0
ip link set eth0 up
say "NET UP eth0 $vsip mac=$(cat /sys/class/net/eth0/address) uptime=$(cut -d' ' -f1 /proc/uptime)"

run_server() {
    # nc forwards its stdin to the peer and half-closes the connection at stdin
    # EOF, which makes a busybox nc client stop reading before it has sent
    # everything; so stdin is a FIFO that is held open and never written.
    mkfifo /tmp/hold
    exec 3<>/tmp/hold
    say "LISTENING port=$vsport"
    nc -l -p "$vsport" <&3 > /tmp/received
    rc=$?
    exec 3>&-
    say "RECEIVED bytes=$(wc -c < /tmp/received) nc_rc=$rc"
    say "SHA256 $(sha256sum /tmp/received | cut -d' ' -f1)"
    finish ok
}

run_client() {
    # Generated at boot, so every run sends different bytes.
    dd if=/dev/urandom of=/tmp/payload bs=4096 count=$((vssize / 4096)) 2>/dev/null
    say "PAYLOAD bytes=$(wc -c < /tmp/payload)"
    say "SHA256 $(sha256sum /tmp/payload | cut -d' ' -f1)"

    # The peer may still be booting: wait for its first echo reply.
    start=$(cut -d. -f1 /proc/uptime)
    until ping -c 1 -W 1 "$vspeer" > /dev/null 2>&1; do
        if [ $(( $(cut -d. -f1 /proc/uptime) - start )) -ge "$vswait" ]; then
            say "PING FAIL no reply from $vspeer within ${vswait}s"
            finish fail
        fi
    done
    say "PEER UP uptime=$(cut -d' ' -f1 /proc/uptime)"

    ping -A -c "$vspings" -W 5 "$vspeer" > /tmp/ping.out 2>&1
    summary=$(grep 'packets transmitted' /tmp/ping.out)
    received=$(echo "$summary" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
    if [ "$received" = "$vspings" ]; then
        say "PING OK $received/$vspings $(grep round-trip /tmp/ping.out)"
    else
        say "PING FAIL ${received:-0}/$vspings: $summary"
    fi

    # The server's listener may not be up yet right after its network is:
    # retry while the connection is refused.
    attempt=0
    until nc "$vspeer" "$vsport" < /tmp/payload > /dev/null; do
        attempt=$((attempt + 1))
        if [ "$attempt" -ge 30 ]; then
            say "SEND FAIL could not connect to $vspeer:$vsport"
            finish fail
        fi
        sleep 1
    done
    say "SENT bytes=$(wc -c < /tmp/payload) uptime=$(cut -d' ' -f1 /proc/uptime)"
    finish ok
}

case "$vsrole" in
    server) run_server ;;
    client) run_client ;;
    *) say "FAIL unknown vsrole='$vsrole'"; finish fail ;;
esac
