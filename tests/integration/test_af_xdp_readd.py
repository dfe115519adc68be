#!/usr/bin/python3
"""An af-xdp port deleted and added again on the same interface forwards again, in the same
vswitchd process (an operator replacing a container's port, or fixing a typo in its options).

Known to fail with DPDK 22.11's net_af_xdp: after the port is closed, a new AF_XDP socket on
the same interface queue cannot be created in the same process ("xsk_configure(): Failed to
create xsk socket"), reproduced with plain dpdk-testpmd (port close / device detach / port
attach). The kernel releases an XDP socket asynchronously, so the re-add is retried for a
while before the test gives up.

Usage: test_af_xdp_readd.py --bin-dir DIR
"""
import sys
import time

import vsenv
from vsenv import check, log


def test(env):
    a = env.container("a", "10.19.0.1")
    b = env.container("b", "10.19.0.2")
    env.start_vswitchd()
    env.add_port("pa", "af-packet", f"iface={a.host_if}")
    env.add_port("pb", "af-xdp", f"iface={b.host_if}")
    a.ping_until_reachable(b.ip)
    env.vsctl("del-port", "pb")
    deadline = time.monotonic() + 15
    while True:
        r = env.vsctl("add-port", "pb", "af-xdp", f"iface={b.host_if}", check_rc=False)
        if r.returncode == 0:
            break
        if time.monotonic() > deadline:
            raise vsenv.TestFailure(f"af-xdp port could not be re-added on {b.host_if} for 15 s: "
                                    f"{r.stderr.strip()}")
        time.sleep(1)
    log("af-xdp port re-added")
    a.ping_until_reachable(b.ip)
    got, out = a.ping(b.ip, count=10)
    check(got == 10, f"after re-adding the af-xdp port: {got}/10\n{out}")


if __name__ == "__main__":
    sys.exit(vsenv.main(test))
