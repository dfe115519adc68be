#!/usr/bin/python3
"""A port's life at run time, with two containers pinging through the switch:
admin down stops forwarding (and the drops are counted under admin_down), admin up resumes it;
deleting a port and adding it back under the same name (as another type) works; and with a state directory,
a restarted vswitchd brings back the ports and static MACs added through the API, so the
containers talk again without any vsctl call.

Usage: test_port_lifecycle.py --bin-dir DIR
"""
import os
import sys

import vsenv
from vsenv import check, log


def test(env):
    a = env.container("a", "10.18.0.1")
    b = env.container("b", "10.18.0.2")
    state_dir = os.path.join(env.tmp, "state")
    os.mkdir(state_dir)
    daemon = env.start_vswitchd(["--state-dir", state_dir])
    env.add_port("pa", "af-packet", f"iface={a.host_if}")
    env.add_port("pb", "af-xdp", f"iface={b.host_if}")
    a.ping_until_reachable(b.ip)

    # Admin down: nothing crosses pb, and what arrives there is counted as dropped.
    env.vsctl("set-port", "pb", "admin=down")
    before = env.stable_port_counters()
    got, out = a.ping(b.ip, count=5, deadline=4)
    check(got == 0, f"{got} pings crossed a port that is admin down\n{out}")
    after = env.stable_port_counters()
    drops = {p: {k: v - before[p]["drops"].get(k, 0) for k, v in after[p]["drops"].items()
                 if v != before[p]["drops"].get(k, 0)} for p in ("pa", "pb")}
    log(f"admin down: no replies in 4 s of pinging; drop counter deltas {drops}; "
        f"pa rx +{after['pa']['rx_packets'] - before['pa']['rx_packets']}, "
        f"pb tx +{after['pb']['tx_packets'] - before['pb']['tx_packets']}")
    # The echo requests enter on pa and cannot leave on pb: each is a counted drop, named
    # admin_down, on one of the two ports (never silently lost).
    down_drops = sum(d.get("admin_down", 0) for d in drops.values())
    check(down_drops >= 5, f"pb is admin down: expected >= 5 admin_down drops, got {drops}")
    check(after["pb"]["tx_packets"] == before["pb"]["tx_packets"],
          f"pb sent packets while admin down: {before['pb']} -> {after['pb']}")
    env.vsctl("set-port", "pb", "admin=up")
    a.ping_until_reachable(b.ip)
    got, out = a.ping(b.ip, count=5)
    check(got == 5, f"after admin up: {got}/5\n{out}")

    # Delete and re-add under the same name, on the same interface, as af-packet: the AF_XDP
    # socket and its XDP program are really released. (Re-adding af-xdp on the same interface
    # is its own test, test_af_xdp_readd.py.)
    env.vsctl("del-port", "pb")
    got, _ = a.ping(b.ip, count=3, deadline=3)
    check(got == 0, f"{got} pings crossed after pb was deleted")
    link = vsenv.run(["ip", "-d", "link", "show", b.host_if]).stdout
    check("prog/xdp" not in link, f"pb was deleted but its XDP program is still attached:\n{link}")
    env.add_port("pb", "af-packet", f"iface={b.host_if}")
    a.ping_until_reachable(b.ip)
    env.vsctl("fdb-add", "0", "02:ee:00:00:00:01", "pa")

    # Restart with the same state directory: ports and static MACs come back by themselves.
    check(daemon.stop() == 0, f"vswitchd exited with {daemon.proc.returncode} on SIGTERM")
    env.socket = None
    daemon = env.start_vswitchd(["--state-dir", state_dir], name="vswitchd-restarted")
    ports = {p["name"]: p for p in env.vsctl_json("list-ports").get("ports", [])}
    check(sorted(ports) == ["pa", "pb"], f"after restart the ports are {sorted(ports)}, expected pa, pb")
    check(ports["pb"].get("config", {}).get("type") == "af-packet", f"pb came back as {ports['pb']}")
    statics = [e for e in env.fdb() if e["static"]]
    check([(e["mac"], e["port"]) for e in statics] == [("02:ee:00:00:00:01", "pa")],
          f"static MACs after restart: {statics}")
    a.flush_neigh()
    a.ping_until_reachable(b.ip)
    got, out = a.ping(b.ip, count=10)
    check(got == 10, f"after restart: {got}/10\n{out}")
    log("restarted vswitchd restored pa, pb and the static MAC; containers ping again")


if __name__ == "__main__":
    sys.exit(vsenv.main(test))
