#!/usr/bin/python3
"""An af-xdp port deleted and added again on the same interface, in the same vswitchd process
(an operator replacing a container's port, or fixing a typo in its options).

DPDK 22.11's net_af_xdp cannot do it: after the port is closed, a new AF_XDP socket on the same
interface queue cannot be created in the same process ("xsk_configure(): Failed to create xsk
socket", reproduced with plain dpdk-testpmd: port close / device detach / port attach; a new
process binds fine, see test_port_lifecycle.py). So vswitchd refuses the re-add with a message
that says why and what to do instead, keeps forwarding, and the suggested way out (the same
interface as an af-packet port) works.

Usage: test_af_xdp_readd.py --bin-dir DIR
"""
import sys

import vsenv
from vsenv import check, log


def test(env):
    a = env.container("a", "10.19.0.1")
    b = env.container("b", "10.19.0.2")
    c = env.container("c", "10.19.0.3")
    env.start_vswitchd()
    env.add_port("pa", "af-packet", f"iface={a.host_if}")
    env.add_port("pb", "af-xdp", f"iface={b.host_if}")
    env.add_port("pc", "af-packet", f"iface={c.host_if}")
    a.ping_until_reachable(b.ip)
    env.vsctl("del-port", "pb")

    r = env.vsctl("add-port", "pb", "af-xdp", f"iface={b.host_if}", check_rc=False)
    check(r.returncode == 1, f"re-adding af-xdp on {b.host_if}: exit {r.returncode}, expected 1 (refused)\n{r.stderr}")
    for words in ("earlier in this vswitchd process", "af-packet", "restart vswitchd"):
        check(words in r.stderr, f"the refusal should say '{words}': {r.stderr.strip()}")
    log(f"re-add refused: {r.stderr.strip()}")
    ports = [p["name"] for p in env.vsctl_json("show")["ports"]]
    check(sorted(ports) == ["pa", "pc"], f"after the refused re-add the ports are {sorted(ports)}, expected pa, pc")
    got, out = a.ping(c.ip, count=5)
    check(got == 5, f"forwarding between the other ports after the refused re-add: {got}/5\n{out}")

    env.add_port("pb", "af-packet", f"iface={b.host_if}")
    a.ping_until_reachable(b.ip)
    got, out = a.ping(b.ip, count=10)
    check(got == 10, f"after re-adding {b.host_if} as af-packet: {got}/10\n{out}")
    log("the interface forwards again as an af-packet port")


if __name__ == "__main__":
    sys.exit(vsenv.main(test))
