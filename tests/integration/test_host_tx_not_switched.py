#!/usr/bin/python3
"""A port on the host end of a veth switches only what arrives from the container, never the
frames the host's own stack transmits on that interface (towards the container): those are
not the container's traffic, and switching them would leak host frames to every other port
and teach the FDB the host interface's MAC on the wrong port. (Open vSwitch's netdev-linux
skips PACKET_OUTGOING frames for the same reason.)

The test writes 5 broadcast frames with a raw socket on the host end of container b's veth in
the host namespace; container b receives them, container a must not, and the FDB must not learn
the host interface's MAC.

Known to fail for af-packet ports with DPDK 22.11's net_af_packet, which does not ignore
outgoing frames (af-xdp only sees the interface's receive path and passes).

Usage: test_host_tx_not_switched.py --bin-dir DIR --port-type af-packet|af-xdp
"""
import os
import sys
import time

import vsenv
from vsenv import check, log


def make_test(port_type):
    def test(env):
        a = env.container("a", "10.20.0.1")
        b = env.container("b", "10.20.0.2")
        env.start_vswitchd()
        env.add_port("pa", "af-packet", f"iface={a.host_if}")
        env.add_port("pb", port_type, f"iface={b.host_if}")
        a.ping_until_reachable(b.ip)
        before = env.stable_port_counters()
        helper = os.path.join(vsenv.HERE, "rawframe.py")
        host_mac = open(f"/sys/class/net/{b.host_if}/address").read().strip()
        captures = {c.letter: env.start_process(
            f"capture-{c.letter}", ["ip", "netns", "exec", c.netns, "/usr/bin/python3", helper,
                                    "capture", c.ifname, "host-tx", "3"]) for c in (a, b)}
        for p in captures.values():
            p.wait_for_line(r"^ready", 10)
        vsenv.run(["/usr/bin/python3", helper, "send", b.host_if, host_mac, "ff:ff:ff:ff:ff:ff",
                   "5", "host-tx"])
        got = {k: vsenv.json.loads(p.wait_for_line(r'^\{"count"', 10))["count"]
               for k, p in captures.items()}
        time.sleep(0.5)
        after = env.stable_port_counters()
        pb_rx = after["pb"]["rx_packets"] - before["pb"]["rx_packets"]
        log(f"host sent 5 frames on {b.host_if}: container b got {got['b']}, container a got "
            f"{got['a']}, pb rx +{pb_rx}")
        check(got["b"] == 5, f"container b should receive the host's 5 frames, got {got['b']}")
        # pb's rx counter is only logged: container b may send an ARP of its own meanwhile.
        check(got["a"] == 0,
              f"{port_type} port pb switched frames the host transmitted on {b.host_if}: "
              f"container a received {got['a']} of them (pb rx +{pb_rx})")
        check(all(e["mac"] != host_mac for e in env.fdb()),
              f"the host interface's MAC {host_mac} was learned: {env.fdb()}")
    return test


if __name__ == "__main__":
    argv = sys.argv[1:]
    port_type = vsenv.pop_option(argv, "--port-type", "af-packet")
    sys.exit(vsenv.main(make_test(port_type), argv))
