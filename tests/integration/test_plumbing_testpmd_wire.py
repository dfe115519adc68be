#!/usr/bin/python3
"""Validates the integration harness itself, without vswitch: dpdk-testpmd in io mode with two
ports on the host ends of two containers' veth pairs is a wire, so the containers ping each
other through it
and move a TCP stream byte for byte. If this fails, the machine (namespaces, veths, AF_PACKET/AF_XDP, hugepages),
not vswitchd, is the problem.

Usage: test_plumbing_testpmd_wire.py --bin-dir DIR [--driver af_packet|af_xdp]
"""
import sys

import vsenv
from vsenv import check, log


def vdev(driver, index, iface):
    if driver == "af_xdp":
        return f"net_af_xdp{index},iface={iface},start_queue=0,queue_count=1"
    return f"net_af_packet{index},iface={iface}"


def make_test(driver):
    def test(env):
        a = env.container("a", "10.11.0.1")
        b = env.container("b", "10.11.0.2")
        wire = vsenv.start_testpmd(env, f"testpmd-{driver}",
                                   [vdev(driver, 0, a.host_if), vdev(driver, 1, b.host_if)],
                                   ["--forward-mode=io"])
        a.ping_until_reachable(b.ip)
        got, out = a.ping(b.ip, count=10)
        log(out)
        check(got == 10, f"a -> b through testpmd {driver}: {got}/10 replies\n{out}")
        got, out = b.ping(a.ip, count=10)
        check(got == 10, f"b -> a through testpmd {driver}: {got}/10 replies\n{out}")
        vsenv.tcp_transfer(env, a, b, 4 * 1024 * 1024)
        stats = vsenv.stop_testpmd(wire)
        log(f"testpmd port statistics: {stats}")
        check(stats.get(0, {}).get("rx", 0) >= 20 and stats.get(1, {}).get("rx", 0) >= 20,
              f"testpmd counted fewer packets than were pinged: {stats}")
    return test


if __name__ == "__main__":
    argv = sys.argv[1:]
    driver = vsenv.pop_option(argv, "--driver", "af_packet")
    sys.exit(vsenv.main(make_test(driver), argv, needs=("dpdk-testpmd",)))
