#!/usr/bin/python3
"""L2 behaviour with no rules programmed, observed from the containers with raw frames:
flooding of unknown unicast and broadcast to every port but the ingress, learning (a learned
MAC is reached on its port only), the per-port learning limit, static entries (steer, are not
moved by learning, deleted with fdb-del), fdb-flush, and aging (a second vswitchd started from a
config file with a 2-second aging time and its ports in the file).

Usage: test_mac_learning.py --bin-dir DIR
"""
import os
import sys
import time

import vsenv
from vsenv import check, log

N = 5
UNKNOWN = "02:aa:00:00:00:01"
BROADCAST = "ff:ff:ff:ff:ff:ff"


def learned(entries, port=None):
    return [e for e in entries if not e["static"] and (port is None or e["port"] == port)]


def frames(env, sender, src, dst, listeners, what):
    got = vsenv.send_and_capture(env, sender, src, dst, N, listeners)
    log(f"{what}: {sender.letter} sent {N} frames {src} -> {dst}; received: {got}")
    return got


def test_switching(env, a, b, c):
    everyone = [a, b, c]
    daemon = env.start_vswitchd()
    env.add_port("pa", "af-packet", f"iface={a.host_if}")
    env.add_port("pb", "af-packet", f"iface={b.host_if}")
    env.add_port("pc", "af-packet", f"iface={c.host_if}", "learn-limit=2")
    check(env.fdb() == [], f"FDB not empty before any traffic: {env.fdb()}")

    # Flooding: unknown unicast and broadcast reach every port except the one they came in on.
    got = frames(env, a, a.mac, UNKNOWN, everyone, "unknown unicast")
    check(got == {"a": 0, "b": N, "c": N}, f"unknown unicast from a not flooded to b and c only: {got}")
    got = frames(env, b, b.mac, BROADCAST, everyone, "broadcast")
    check(got == {"a": N, "b": 0, "c": N}, f"broadcast from b not flooded to a and c only: {got}")

    # Learning: a and b were learned on their ports; unicast to them goes nowhere else.
    env.wait_fdb(lambda e: {(x["mac"], x["port"]) for x in learned(e)} == {(a.mac, "pa"), (b.mac, "pb")},
                 what="a learned on pa and b on pb (and nothing else)")
    got = frames(env, c, c.mac, a.mac, everyone, "unicast to learned a")
    check(got == {"a": N, "b": 0, "c": 0}, f"unicast to a learned MAC not sent to its port only: {got}")

    # Learning limit: pc learns at most 2 MACs; c already counts as one.
    env.wait_fdb(lambda e: any(x["mac"] == c.mac for x in learned(e, "pc")), what="c learned on pc")
    extra = [f"02:cc:00:00:00:0{i}" for i in range(1, 5)]
    for mac in extra:
        vsenv.send_and_capture(env, c, mac, BROADCAST, 1, [])
    time.sleep(1.5)  # learning is asynchronous; give the housekeeping a moment to (not) learn more
    on_pc = learned(env.fdb(), "pc")
    log(f"pc (learn-limit=2) learned: {[e['mac'] for e in on_pc]}")
    check(len(on_pc) == 2, f"pc has learn-limit=2 but {len(on_pc)} MACs are learned on it: {on_pc}")
    stats = env.vsctl_json("worker-stats").get("switchStats", {})
    check(int(stats.get("macLearnDropped", 0)) >= 3,
          f"3 MACs were refused on pc but switch_stats.mac_learn_dropped = {stats.get('macLearnDropped', 0)}")
    refused = next(m for m in extra if m not in {e["mac"] for e in on_pc})
    got = frames(env, a, a.mac, refused, everyone, "unicast to a MAC refused by the limit")
    check(got == {"a": 0, "b": N, "c": N}, f"a MAC over the limit must stay unknown (flooded): {got}")

    # Static entry: steers traffic to its port, and learning does not move it.
    env.vsctl("fdb-add", "0", UNKNOWN, "pc")
    got = frames(env, a, a.mac, UNKNOWN, everyone, "unicast to static entry on pc")
    check(got == {"a": 0, "b": 0, "c": N}, f"static entry on pc does not steer: {got}")
    frames(env, b, UNKNOWN, BROADCAST, everyone, "static MAC seen as source on pb")
    time.sleep(1)
    entry = [e for e in env.fdb() if e["mac"] == UNKNOWN]
    check(len(entry) == 1 and entry[0]["static"] and entry[0]["port"] == "pc",
          f"static entry moved or changed by learning: {entry}")
    got = frames(env, a, a.mac, UNKNOWN, everyone, "static entry after the move attempt")
    check(got == {"a": 0, "b": 0, "c": N}, f"static entry no longer steers to pc: {got}")
    env.vsctl("fdb-del", "0", UNKNOWN)
    check(all(e["mac"] != UNKNOWN for e in env.fdb()), "fdb-del left the static entry")
    got = frames(env, a, a.mac, UNKNOWN, everyone, "after fdb-del")
    check(got == {"a": 0, "b": N, "c": N}, f"after fdb-del the MAC must be unknown again (flooded): {got}")

    # Flush: per port, then everything learned; static entries stay.
    env.vsctl("fdb-add", "0", "02:dd:00:00:00:01", "pb")
    env.vsctl("fdb-flush", "pa")
    entries = env.fdb()
    check(not learned(entries, "pa"), f"fdb-flush pa left learned entries on pa: {entries}")
    check(learned(entries, "pb"), f"fdb-flush pa also removed pb's entries: {entries}")
    env.vsctl("fdb-flush")
    entries = env.fdb()
    check(not learned(entries), f"fdb-flush left learned entries: {entries}")
    check([e["mac"] for e in entries if e["static"]] == ["02:dd:00:00:00:01"],
          f"fdb-flush must keep static entries: {entries}")
    got = frames(env, c, c.mac, a.mac, everyone, "unicast to a after flush")
    check(got == {"a": N, "b": N, "c": 0}, f"after a flush a is unknown again (flooded): {got}")
    return daemon


def test_aging(env, a, b):
    """A second vswitchd whose ports and aging time come from a config file."""
    config = os.path.join(env.tmp, "aging.textproto")
    with open(config, "w") as f:
        f.write(f"""# written by test_mac_learning.py
settings {{ mac_aging_seconds: 2 }}
ports {{ name: "pa" type: "af-packet" options {{ key: "iface" value: "{a.host_if}" }} }}
ports {{ name: "pb" type: "af-packet" options {{ key: "iface" value: "{b.host_if}" }} }}
""")
    env.socket = None
    env.start_vswitchd(["--config", config], name="vswitchd-aging")
    names = sorted(p["name"] for p in env.vsctl_json("list-ports").get("ports", []))
    check(names == ["pa", "pb"], f"ports from the config file: {names}")
    a.flush_neigh()
    a.ping_until_reachable(b.ip)
    env.wait_fdb(lambda e: {x["mac"] for x in learned(e)} >= {a.mac, b.mac}, what="a and b learned")
    start = time.monotonic()
    # Entries must stay while traffic flows...
    got, out = a.ping(b.ip, count=15, interval=0.2)
    check(got == 15, f"ping during aging test: {got}/15\n{out}")
    check({x["mac"] for x in learned(env.fdb())} >= {a.mac, b.mac},
          "entries aged out although traffic kept refreshing them")
    # ...and go once it stops (aging 2 s; the sweep may take up to another period).
    quiet = time.monotonic()
    entries = env.wait_fdb(lambda e: not learned(e), timeout=10, what="learned entries aged out")
    log(f"entries aged out {time.monotonic() - quiet:.1f}s after traffic stopped "
        f"({time.monotonic() - start:.1f}s after learning)")
    check(time.monotonic() - quiet >= 1.0, "entries vanished too early for a 2 s aging time")


def test(env):
    a = env.container("a", "10.17.0.1")
    b = env.container("b", "10.17.0.2")
    c = env.container("c", "10.17.0.3")
    daemon = test_switching(env, a, b, c)
    # Stop the first switch before the second one opens the same interfaces.
    check(daemon.stop() == 0, f"vswitchd did not exit cleanly on SIGTERM (exit {daemon.proc.returncode})")
    test_aging(env, a, b)


if __name__ == "__main__":
    sys.exit(vsenv.main(test))
