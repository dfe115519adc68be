#!/usr/bin/python3
"""A TCP transfer of several MB between two containers through vswitchd, checked byte for byte
(sha256 on both ends). Tx checksum offload is off inside the containers (vsenv does that), so
the segments that cross the switch carry real checksums.

Usage: test_tcp_transfer.py --bin-dir DIR [--port-type af-packet|af-xdp] [--megabytes N]
"""
import sys

import vsenv
from vsenv import check, log


def make_test(port_type, megabytes):
    def test(env):
        a = env.container("a", "10.13.0.1")
        b = env.container("b", "10.13.0.2")
        env.start_vswitchd()
        env.add_port("pa", port_type, f"iface={a.host_if}")
        env.add_port("pb", port_type, f"iface={b.host_if}")
        a.ping_until_reachable(b.ip)
        size = megabytes * 1024 * 1024
        vsenv.tcp_transfer(env, a, b, size, port=5001)
        vsenv.tcp_transfer(env, b, a, size, port=5002)
        counters = env.port_counters()
        log(f"counters: pa {counters['pa']}, pb {counters['pb']}")
        for port in ("pa", "pb"):
            for key in ("rx_bytes", "tx_bytes"):
                check(counters[port][key] >= size,
                      f"{port} {key} = {counters[port][key]}, less than the {size} bytes sent")
    return test


if __name__ == "__main__":
    argv = sys.argv[1:]
    port_type = vsenv.pop_option(argv, "--port-type", "af-packet")
    megabytes = int(vsenv.pop_option(argv, "--megabytes", "8"))
    sys.exit(vsenv.main(make_test(port_type, megabytes), argv))
