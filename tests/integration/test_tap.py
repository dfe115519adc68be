#!/usr/bin/python3
"""A TAP port: vswitchd creates the kernel TAP device, the test moves the device into a
namespace (a container whose only interface is the switch's TAP) and gives it an address; a
second container on an af-packet port pings it both ways through the switch.

Usage: test_tap.py --bin-dir DIR
"""
import os
import sys
import time

import vsenv
from vsenv import check, log

PINGS = 10


def test(env):
    a = env.container("a", "10.15.0.1")
    tap_ns = f"{env.tag}t"
    tap_if = f"{env.tag}t"
    tap_ip = "10.15.0.2"
    tap_mac = "02:00:00:00:15:02"
    vsenv.run(["ip", "netns", "add", tap_ns])
    env.namespaces.append(tap_ns)
    env.links.append(tap_if)

    env.start_vswitchd()
    env.add_port("pa", "af-packet", f"iface={a.host_if}")
    env.add_port("t1", "tap", f"iface={tap_if}")
    check(os.path.exists(f"/sys/class/net/{tap_if}"),
          f"tap port t1 did not create the kernel device {tap_if}")
    # The device's fd stays with vswitchd; only its kernel side moves into the container.
    vsenv.run(["ip", "link", "set", tap_if, "netns", tap_ns])
    in_ns = ["ip", "netns", "exec", tap_ns]
    vsenv.run(in_ns + ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
    vsenv.run(in_ns + ["ip", "link", "set", tap_if, "address", tap_mac])
    vsenv.run(in_ns + ["ip", "addr", "add", f"{tap_ip}/24", "dev", tap_if])
    vsenv.run(in_ns + ["ip", "link", "set", tap_if, "up"])
    vsenv.run(in_ns + ["ethtool", "-K", tap_if, "tx", "off"], check_rc=False)

    a.ping_until_reachable(tap_ip)
    before = env.stable_port_counters()
    got, out = a.ping(tap_ip, count=PINGS)
    log(out.strip().splitlines()[-2])
    check(got == PINGS, f"container -> tap container: {got}/{PINGS} replies\n{out}")
    r = vsenv.run(in_ns + ["ping", "-n", "-c", str(PINGS), "-i", "0.2", "-w", "15", a.ip],
                  check_rc=False, timeout=30)
    check(r.returncode == 0 and f"{PINGS} received" in r.stdout,
          f"tap container -> container failed:\n{r.stdout}{r.stderr}")
    after = env.stable_port_counters()
    d = {p: {k: after[p][k] - before[p][k] for k in ("rx_packets", "tx_packets")} for p in ("pa", "t1")}
    log(f"counter deltas: {d}")
    for p in ("pa", "t1"):
        for k in ("rx_packets", "tx_packets"):
            check(d[p][k] >= 2 * PINGS, f"{p} {k} grew by {d[p][k]}, expected >= {2 * PINGS}: {d}")
    check(d["pa"]["rx_packets"] == d["t1"]["tx_packets"] and d["t1"]["rx_packets"] == d["pa"]["tx_packets"],
          f"what one port received is not what the other sent: {d}")
    env.wait_fdb(lambda e: any(x["mac"] == tap_mac and x["port"] == "t1" for x in e),
                 what="the tap container's MAC learned on t1")

    # Deleting the port removes the kernel device, wherever it lives now.
    env.vsctl("del-port", "t1")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if tap_if not in vsenv.run(in_ns + ["ip", "-o", "link"], check_rc=False).stdout:
            break
        time.sleep(0.2)
    else:
        raise vsenv.TestFailure(f"{tap_if} still exists in {tap_ns} after del-port t1")


if __name__ == "__main__":
    sys.exit(vsenv.main(test))
