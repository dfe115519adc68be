#!/usr/bin/python3
"""Flow rules installed with vsctl steer, drop and rewrite real traffic between containers.

Three containers on af-packet (or af-xdp) ports: a (10.31.0.1), b (10.31.0.2), c (10.31.0.3).
What a user of the rules notices, each checked both ways (with the rule and after removing it):

  1. drop: `icmp` from a dropped -> a's pings to b go unanswered while TCP from a to b still
     works (only what the rule matches is dropped); the rule counts the dropped pings;
     deleting it restores ping.
  2. rewrite + steering: traffic from a to b's address is rewritten (mod_dl_dst, mod_nw_dst)
     and sent to c, c's answers are rewritten back (mod_dl_src, mod_nw_src): a pings
     10.31.0.2 and gets answers, but c's kernel counts the echo requests and b's does not; a
     TCP transfer to 10.31.0.2:5003 (no server on b) reaches the server on c with an intact
     sha256 (the rewrites keep IP and TCP checksums right). Deleting the rules sends a's pings
     to b again.
  3. meter: a's pings through a 5 pkt/s meter (burst 5) mostly go unanswered, exactly as
     many are answered as the meter passed; after mod-meter to 100000 pkt/s all are answered.

Usage: test_flow_rules.py --bin-dir DIR [--port-type af-packet|af-xdp]
"""
import os
import re
import sys

import vsenv
from vsenv import check, log

PINGS = 10


def icmp_in_echos(container):
    """Echo requests the container's kernel has received (its namespace's /proc/net/snmp)."""
    text = container.exec(["cat", "/proc/net/snmp"]).stdout
    header, values = [line.split() for line in text.splitlines() if line.startswith("Icmp:")][:2]
    return int(values[header.index("InEchos")])


def dump_flows(env):
    return env.vsctl("dump-flows").stdout


def rule_packets(env, pattern):
    """n_packets of the one dump-flows line matching `pattern`."""
    lines = [line for line in dump_flows(env).splitlines() if re.search(pattern, line)]
    check(len(lines) == 1, f"expected one rule matching /{pattern}/, dump-flows:\n{dump_flows(env)}")
    return int(re.search(r"n_packets=(\d+)", lines[0]).group(1))


def burst_ping(container, ip, count):
    """Sends exactly `count` echo requests 5 ms apart (no deadline: ping would keep sending
    until `count` replies came back) and returns (replies, output)."""
    r = container.exec(["ping", "-n", "-q", "-c", str(count), "-i", "0.005", "-W", "1", ip], check_rc=False,
                       timeout=60)
    m = re.search(r"(\d+) received", r.stdout)
    return (int(m.group(1)) if m else 0), r.stdout + r.stderr


def tcp_transfer_to(env, client, server, address, size, port):
    """Sends `size` bytes from `client` to `address`:`port`, with the server running in
    container `server` (which need not own `address`); returns (sent, received) sha256."""
    helper = os.path.join(vsenv.HERE, "tcp_transfer.py")
    listener = env.start_process(f"tcp-server-{port}", ["ip", "netns", "exec", server.netns, "/usr/bin/python3",
                                                        helper, "server", str(port)])
    listener.wait_for_line(r"^listening", 20)
    sent = client.exec(["/usr/bin/python3", helper, "client", address, str(port), str(size)], timeout=120,
                       check_rc=False)
    check(sent.returncode == 0, f"TCP client to {address}:{port} failed: {sent.stdout} {sent.stderr}")
    received = listener.wait_for_line(r"^received ", 60)
    ms = re.search(r"sent (\d+) ([0-9a-f]{64})", sent.stdout)
    mr = re.search(r"received (\d+) ([0-9a-f]{64})", received)
    check(ms and mr, f"could not parse transfer results: {sent.stdout!r} {received!r}")
    check(int(ms.group(1)) == size and int(mr.group(1)) == size,
          f"sent {ms.group(1)} and received {mr.group(1)} bytes, expected {size}")
    check(ms.group(2) == mr.group(2), f"sha256 differs: sent {ms.group(2)}, received {mr.group(2)}")
    log(f"TCP {size} bytes {client.netns} -> {address}:{port} served by {server.netns}: sha256 matches")


def make_test(port_type):
    def test(env):
        a = env.container("a", "10.31.0.1")
        b = env.container("b", "10.31.0.2")
        c = env.container("c", "10.31.0.3")
        env.start_vswitchd()
        env.add_port("pa", port_type, f"iface={a.host_if}")
        env.add_port("pb", port_type, f"iface={b.host_if}")
        env.add_port("pc", port_type, f"iface={c.host_if}")
        a.ping_until_reachable(b.ip)
        a.ping_until_reachable(c.ip)

        # Everything else is switched as before the rules.
        env.vsctl("add-flow", "priority=0,actions=normal")

        # -- 1. a drop rule stops ping, and only ping --------------------------------------
        env.vsctl("add-flow", "priority=100,in_port=pa,icmp,actions=drop")
        got, out = a.ping(b.ip, count=PINGS, deadline=6)
        check(got == 0, f"with the drop rule a -> b still got {got}/{PINGS} replies:\n{out}")
        dropped = rule_packets(env, r"priority=100,in_port=pa,icmp actions=drop")
        check(dropped >= PINGS, f"the drop rule counted {dropped} packets, expected >= {PINGS}")
        log(f"drop rule: 0/{PINGS} replies, rule n_packets={dropped}")
        vsenv.tcp_transfer(env, a, b, 1024 * 1024, port=5001)  # TCP is not matched: it passes
        env.vsctl("del-flows", "--strict", "priority=100,in_port=pa,icmp")
        got, out = a.ping(b.ip, count=PINGS)
        check(got == PINGS, f"after del-flows a -> b got {got}/{PINGS} replies:\n{out}")
        log("drop rule removed: ping restored")

        # -- 2. rewrite and steer a's traffic for b to c, and c's answers back -------------
        rules = os.path.join(env.tmp, "steer.rules")
        with open(rules, "w") as f:
            f.write(f"# a -> 10.31.0.2 is served by c\n"
                    f"priority=200,in_port=pa,ip,nw_dst={b.ip},"
                    f"actions=mod_dl_dst:{c.mac},mod_nw_dst:{c.ip},output:pc\n"
                    f"priority=200,in_port=pc,ip,nw_src={c.ip},nw_dst={a.ip},"
                    f"actions=mod_dl_src:{b.mac},mod_nw_src:{b.ip},output:pa\n")
        env.vsctl("add-flows", rules)
        b_before, c_before = icmp_in_echos(b), icmp_in_echos(c)
        got, out = a.ping(b.ip, count=PINGS)
        b_echos, c_echos = icmp_in_echos(b) - b_before, icmp_in_echos(c) - c_before
        log(f"steered: {got}/{PINGS} replies from {b.ip}; echo requests seen by b: {b_echos}, by c: {c_echos}")
        check(got == PINGS, f"a -> {b.ip} through the rewrite got {got}/{PINGS} replies:\n{out}")
        check(c_echos >= PINGS and b_echos == 0,
              f"echo requests for {b.ip}: b received {b_echos}, c received {c_echos}; expected all at c")
        check(rule_packets(env, rf"in_port=pa,ip,nw_dst={re.escape(b.ip)} ") >= PINGS, "steering rule not counted")
        tcp_transfer_to(env, a, c, b.ip, 2 * 1024 * 1024, port=5003)

        trace = env.vsctl("trace", f"in_port=pa,tcp,nw_src={a.ip},nw_dst={b.ip},tp_dst=5003").stdout
        check(re.search(r"^fate: output:pc$", trace, re.M) is not None, f"trace does not end at pc:\n{trace}")

        env.vsctl("del-flows", "ip")  # non-strict: both rewrite rules, not the catch-all
        remaining = dump_flows(env)
        check(remaining.count("\n") == 1 and "priority=0 actions=NORMAL" in remaining,
              f"after del-flows only the NORMAL rule should remain:\n{remaining}")
        b_before, c_before = icmp_in_echos(b), icmp_in_echos(c)
        got, out = a.ping(b.ip, count=PINGS)
        b_echos, c_echos = icmp_in_echos(b) - b_before, icmp_in_echos(c) - c_before
        check(got == PINGS and b_echos >= PINGS and c_echos == 0,
              f"after removing the rewrite: {got}/{PINGS} replies, b saw {b_echos}, c saw {c_echos}")
        log("rewrite rules removed: b answers its own pings again")

        # -- 3. a meter limits a's pings; raising its rate lets them all through -----------
        env.vsctl("add-meter", "meter=1,pktps,burst,bands=type=drop,rate=5,burst_size=5")
        env.vsctl("add-flow", "priority=150,in_port=pa,icmp,actions=meter:1,normal")
        count = 200
        got, out = burst_ping(a, b.ip, count)
        meter = env.vsctl_json("dump-meters", "meter=1")["meters"][0]
        packets_in, dropped = int(meter.get("packetsIn", 0)), int(meter.get("packetsDropped", 0))
        log(f"meter 5 pkt/s, burst 5: {got}/{count} replies; meter saw {packets_in}, dropped {dropped}")
        check(packets_in == count, f"the meter saw {packets_in} packets, a sent {count} echo requests")
        # The burst (5) passes at once, then 5 per second: a few answers, most dropped.
        check(5 <= got <= count // 2 and dropped >= count // 2,
              f"with a 5 pkt/s meter {got}/{count} pings were answered and {dropped} dropped:\n{out}")
        check(got == packets_in - dropped, f"{got} replies but the meter passed {packets_in - dropped}")
        env.vsctl("mod-meter", "meter=1,pktps,bands=type=drop,rate=100000")
        got, out = burst_ping(a, b.ip, count)
        check(got == count, f"after mod-meter to 100000 pkt/s {got}/{count} pings were answered:\n{out}")
        log(f"meter raised to 100000 pkt/s: {got}/{count} replies")
        refused = env.vsctl("del-meters", "meter=1", check_rc=False)
        check(refused.returncode == 1 and "in use" in refused.stderr,
              f"deleting a meter in use: exit {refused.returncode}, {refused.stderr.strip()}")
    return test


if __name__ == "__main__":
    argv = sys.argv[1:]
    port_type = vsenv.pop_option(argv, "--port-type", "af-packet")
    sys.exit(vsenv.main(make_test(port_type), argv))
