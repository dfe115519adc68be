#!/usr/bin/python3
"""Two containers (namespaces on veth pairs) plugged into vswitchd through the host ends of
their veths, with af-packet or af-xdp ports: they ping each other both ways, the port counters
account for exactly what was sent, and the MAC table has learned each container on its port.

Usage: test_l2_ping.py --bin-dir DIR --port-type af-packet|af-xdp
"""
import sys

import vsenv
from vsenv import check, log

PINGS = 20


def make_test(port_type):
    def test(env):
        a = env.container("a", "10.12.0.1")
        b = env.container("b", "10.12.0.2")
        env.start_vswitchd()
        env.add_port("pa", port_type, f"iface={a.host_if}")
        env.add_port("pb", port_type, f"iface={b.host_if}")
        ports = {p["name"]: p for p in env.vsctl_json("list-ports").get("ports", [])}
        check(set(ports) == {"pa", "pb"}, f"list-ports shows {sorted(ports)}, expected pa and pb")

        a.ping_until_reachable(b.ip)
        before = env.stable_port_counters()

        got, out = a.ping(b.ip, count=PINGS)
        log(out.strip().splitlines()[-2])
        check(got == PINGS, f"a -> b: {got}/{PINGS} replies\n{out}")
        got, out = b.ping(a.ip, count=PINGS)
        log(out.strip().splitlines()[-2])
        check(got == PINGS, f"b -> a: {got}/{PINGS} replies\n{out}")

        after = env.stable_port_counters()
        delta = {p: {k: after[p][k] - before[p][k] for k in ("rx_packets", "tx_packets",
                                                             "rx_bytes", "tx_bytes")}
                 for p in ("pa", "pb")}
        log(f"counter deltas over {2 * PINGS} echo requests + {2 * PINGS} replies: {delta}")
        # Each container sent PINGS requests and PINGS replies (plus at most a few ARP frames).
        noise = 6
        for p in ("pa", "pb"):
            for k in ("rx_packets", "tx_packets"):
                check(2 * PINGS <= delta[p][k] <= 2 * PINGS + noise,
                      f"{p} {k} grew by {delta[p][k]}, expected {2 * PINGS}..{2 * PINGS + noise}: "
                      f"{delta}")
            # 98-byte ICMP frames (84 IP + 14 Ethernet); the counters count whole frames.
            check(delta[p]["rx_bytes"] >= 2 * PINGS * 98,
                  f"{p} rx_bytes grew by {delta[p]['rx_bytes']}, expected >= {2 * PINGS * 98}")
        # With two ports every frame received on one is sent on the other, nothing else.
        check(delta["pa"]["rx_packets"] == delta["pb"]["tx_packets"],
              f"pa rx {delta['pa']['rx_packets']} != pb tx {delta['pb']['tx_packets']}")
        check(delta["pb"]["rx_packets"] == delta["pa"]["tx_packets"],
              f"pb rx {delta['pb']['rx_packets']} != pa tx {delta['pa']['tx_packets']}")
        check(delta["pa"]["rx_bytes"] == delta["pb"]["tx_bytes"],
              f"pa rx_bytes {delta['pa']['rx_bytes']} != pb tx_bytes {delta['pb']['tx_bytes']}")
        for p in ("pa", "pb"):
            nonzero = {k: v for k, v in after[p]["drops"].items() if v}
            check(not nonzero, f"{p} counted drops while forwarding pings: {nonzero}")

        fdb = env.wait_fdb(lambda e: {(x["mac"], x["port"]) for x in e} >= {(a.mac, "pa"), (b.mac, "pb")},
                           what="both containers learned")
        log(f"fdb-show: {fdb}")
        for entry in fdb:
            if entry["mac"] in (a.mac, b.mac):
                check(not entry["static"] and entry["vlan"] == 0, f"unexpected learned entry {entry}")

        workers = env.vsctl_json("worker-stats")
        rx = sum(int(w.get("rxPackets", 0)) for w in workers.get("workers", []))
        check(rx >= 4 * PINGS, f"worker-stats counts {rx} rx packets, expected >= {4 * PINGS}: {workers}")
        # The human-readable forms work too (what an operator runs).
        for cmd in ("show", "port-stats", "fdb-show", "worker-stats"):
            out = env.vsctl(cmd).stdout
            check("pa" in out or cmd == "worker-stats", f"vsctl {cmd} does not mention pa:\n{out}")
    return test


if __name__ == "__main__":
    argv = sys.argv[1:]
    port_type = vsenv.pop_option(argv, "--port-type", "af-packet")
    sys.exit(vsenv.main(make_test(port_type), argv))
