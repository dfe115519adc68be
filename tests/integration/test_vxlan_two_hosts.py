#!/usr/bin/python3
"""Two vswitchd "hosts" joined by a VXLAN overlay, configured only with vsctl.

    host A (vswitchd-a)                                      host B (vswitchd-b)
    container ar  10.50.0.1 ─ red  (vni=100) ─┐      ┌─ red  (vni=100) ─ container br  10.50.0.2
    container ab  10.50.0.1 ─ blue (vni=200) ─┤      ├─ blue (vni=200) ─ container bb  10.50.0.2
                                                │      │                                + 10.50.0.3
                vx0 (VTEP 192.168.77.1) ── up ══ veth ══ up ── vx0 (VTEP 192.168.77.2)
                                          (the underlay: a veth pair, no IP on it)

A config file with bad tunnel entries is refused first (non-zero exit, the fields named), and
bad vsctl calls give the documented exit codes and change nothing.
Two tenants use the same subnet, the same IPs and the same MACs, each in its own VNI. Checked:
  * ping and an 8 MB TCP transfer (sha256 on both ends) across the overlay, per tenant;
  * a capture on the underlay: every frame is VXLAN to UDP port 4789 between the two VTEP
    addresses, I flag set, the tenant's VNI, DF set, UDP source port from the entropy range,
    and inside it the containers' ICMP;
  * isolation: red never reaches blue (an address only blue has does not answer red; while red
    pings, host B sends nothing to blue's port) although MACs and IPs are the same;
  * both switches learned the remote MACs per VNI behind the right VTEP, the underlay
    neighbour by ARP, and vni-show lists the flood list and the local port;
  * host B restarted with its state directory comes back with its ports and VNIs, and the
    overlay works again without any vsctl call;
  * with no flood list, a static MAC behind the remote VTEP (fdb-add ... vni= remote=) is what
    carries the traffic: without it the ping fails, with it it passes.

Usage: test_vxlan_two_hosts.py --bin-dir DIR [--port-type af-packet|af-xdp] [--megabytes N]
(--port-type is the containers' ports; the uplinks are af-packet so the underlay can be captured)
"""
import os
import struct
import sys
import time

import vsenv
from vsenv import check, log

VTEP_A = "192.168.77.1"
VTEP_B = "192.168.77.2"
RED, BLUE = 100, 200
PINGS = 10
INNER_MTU = 1450  # 1500 on the underlay minus the 50 bytes VXLAN adds, as on any VXLAN host


def create_underlay(env):
    """A veth pair in the host namespace, one end per switch; no addresses, IPv6 off."""
    ua, ub = f"{env.tag}ua", f"{env.tag}ub"
    vsenv.run(["ip", "link", "add", ua, "type", "veth", "peer", "name", ub])
    env.links += [ua, ub]
    for ifname in (ua, ub):
        vsenv.Container._disable_ipv6_host(ifname)
        vsenv.run(["ip", "link", "set", ifname, "up"])
    return ua, ub


def tenant_container(env, letter, ip, mac, extra_ips=()):
    c = env.container(letter, ip, mac)
    c.exec(["ip", "link", "set", c.ifname, "mtu", str(INNER_MTU)])
    for extra in extra_ips:
        c.exec(["ip", "addr", "add", f"{extra}/24", "dev", c.ifname])
    return c


def configure_host(env, socket, port_type, uplink_if, local_ip, remote_ip, red, blue):
    """Everything through vsctl, as an operator would type it."""
    def vsctl(*args):
        env.vsctl(*args, socket_path=socket)
        log(f"[{os.path.basename(socket)}] vsctl {' '.join(args)}")
    # The uplink is always af-packet: with af-xdp, XDP would take the underlay frames before
    # the kernel's taps, and the capture below would see nothing.
    vsctl("add-port", "up", "af-packet", f"iface={uplink_if}")
    vsctl("add-port", "vx0", "vxlan", "uplink=up", f"local-ip={local_ip}")
    vsctl("add-vni", str(RED), remote_ip)
    vsctl("add-vni", str(BLUE), remote_ip)
    vsctl("add-port", "red", port_type, f"iface={red.host_if}", f"vni={RED}")
    vsctl("add-port", "blue", port_type, f"iface={blue.host_if}", f"vni={BLUE}")


def fanout_group(pid, ifname):
    """The PACKET_FANOUT group DPDK 22.11's af_packet PMD joins for `ifname` in process `pid`:
    (pid ^ ifindex) & 0xffff. Groups are per network namespace and bound to one device, so when
    two processes' (pid, ifindex) pairs give the same id the second add-port fails (EINVAL,
    "could not set PACKET_FANOUT"). Only a test runs two switches in one namespace."""
    with open(f"/sys/class/net/{ifname}/ifindex") as f:
        return (pid ^ int(f.read())) & 0xffff


def start_host_b(env, extra, host_a, a_ifaces, b_ifaces, **kwargs):
    """Starts vswitchd-b with a pid whose af_packet fanout groups cannot collide with A's (see
    fanout_group); a colliding pid is stopped and another start tried."""
    taken = {fanout_group(host_a.pid, ifname) for ifname in a_ifaces}
    for attempt in range(10):
        host_b = env.start_vswitchd(extra, **kwargs)
        if not taken & {fanout_group(host_b.pid, ifname) for ifname in b_ifaces}:
            return host_b
        log(f"vswitchd-b pid {host_b.pid} would share an af_packet fanout group with A: starting another")
        host_b.stop()
    raise vsenv.TestFailure("no vswitchd-b pid free of af_packet fanout collisions in 10 starts")


def check_cli_errors(env, socket):
    """The exit codes README.md promises, on the tunnel commands: 2 for a usage error (found
    before the daemon is asked), 1 when vswitchd refuses (its message names the field, and
    nothing changes), 3 when no daemon answers."""
    def expect(rc, text, *args, socket_path=socket):
        r = env.vsctl(*args, check_rc=False, socket_path=socket_path)
        check(r.returncode == rc and text in r.stderr,
              f"vsctl {' '.join(args)}: expected exit {rc} and '{text}', got {r.returncode}: {r.stderr.strip()}")
    expect(2, "VNI: expected a number 1..16777215, got '0'", "add-vni", "0")
    expect(2, "vni: expected a number 0..16777215", "fdb-add", "0", "02:00:00:00:00:01", "vx0", "vni=red")
    expect(1, "remotes[1]: '192.168.77' is not an IPv4 address", "add-vni", "300", VTEP_B, "192.168.77")
    expect(1, "has host bits set", "route-add", "10.20.0.1/16", "192.168.77.254")
    expect(1, "needs remote_ip", "fdb-add", "0", "02:00:00:00:00:01", "vx0", f"vni={RED}")
    expect(3, "cannot reach vswitchd", "vni-show", socket_path=os.path.join(env.tmp, "nobody.sock"))
    vnis = sorted(int(v["vni"]) for v in env.vsctl_json("vni-show", socket_path=socket).get("vnis", []))
    check(vnis == [RED, BLUE], f"a refused add-vni changed the VNIs: {vnis}")
    check(not env.vsctl_json("route-show", socket_path=socket).get("routes"), "a refused route-add left a route")


def read_pcap(path):
    """Frames of a classic pcap file (what tcpdump -w writes), as bytes."""
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 24, f"capture {path} is empty or truncated ({len(data)} bytes)")
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    frames, offset = [], 24
    while offset + 16 <= len(data):
        _, _, incl_len, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frames.append(data[offset + 16:offset + 16 + incl_len])
        offset += 16 + incl_len
    return frames


def ip_text(raw):
    return ".".join(str(b) for b in raw)


def parse_vxlan(frame):
    """The outer headers and the inner frame of a VXLAN packet, or None if it is not one."""
    if len(frame) < 14 + 20 + 8 + 8 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0f) * 4
    if frame[23] != 17:  # UDP
        return None
    flags_fragment = struct.unpack("!H", frame[20:22])[0]
    udp = 14 + ihl
    sport, dport, _, udp_checksum = struct.unpack("!HHHH", frame[udp:udp + 8])
    vx = udp + 8
    return {
        "src_ip": ip_text(frame[26:30]), "dst_ip": ip_text(frame[30:34]),
        "df": bool(flags_fragment & 0x4000), "sport": sport, "dport": dport,
        "udp_checksum": udp_checksum, "vxlan_flags": frame[vx], "vni": int.from_bytes(frame[vx + 4:vx + 7], "big"),
        "inner": frame[vx + 8:],
    }


def inner_icmp(inner):
    """(src ip, dst ip, icmp type, payload) of an inner IPv4 ICMP frame, else None."""
    if len(inner) < 14 + 20 + 8 or inner[12:14] != b"\x08\x00" or inner[23] != 1:
        return None
    ihl = (inner[14] & 0x0f) * 4
    return ip_text(inner[26:30]), ip_text(inner[30:34]), inner[14 + ihl], inner[14 + ihl + 8:]


def capture_underlay(env, ifname, name):
    """Starts tcpdump on the underlay; returns (process, pcap path)."""
    vsenv.require("tcpdump")
    path = os.path.join(env.tmp, f"{name}.pcap")
    p = env.start_process(name, ["tcpdump", "-n", "-U", "--immediate-mode", "-i", ifname, "-w", path, "udp"])
    p.wait_for_line(r"listening on", 15)
    return p, path


def ping_with_pattern(container, ip, pattern):
    """Pings with a payload pattern (ping -p) that tells the tenants' otherwise identical
    packets apart on the underlay; returns (received, output)."""
    r = container.exec(["ping", "-n", "-c", str(PINGS), "-i", "0.2", "-W", "2", "-w", "15", "-p", pattern, ip],
                       check_rc=False, timeout=30)
    received = int(r.stdout.split(" received")[0].split()[-1]) if " received" in r.stdout else 0
    return received, r.stdout + r.stderr


def check_tenant_capture(frames, vni, pattern, what):
    """Every VXLAN frame is well formed and carries one of the two tenants' VNIs (the other
    tenant may be refreshing ARP meanwhile); every ping with this tenant's payload pattern
    travels in `vni`, both ways."""
    marker = bytes.fromhex(pattern) * 8
    vxlan = [v for v in (parse_vxlan(f) for f in frames) if v is not None]
    check(vxlan, f"{what}: no VXLAN frame on the underlay ({len(frames)} UDP frames captured)")
    requests = replies = 0
    for v in vxlan:
        check(v["dport"] == 4789, f"{what}: UDP destination port {v['dport']}, expected 4789: {v}")
        check({v["src_ip"], v["dst_ip"]} == {VTEP_A, VTEP_B},
              f"{what}: outer IPs {v['src_ip']} -> {v['dst_ip']}, expected the two VTEPs")
        check(v["vxlan_flags"] == 0x08, f"{what}: VXLAN flags {v['vxlan_flags']:#x}, expected the I flag (0x08)")
        check(v["vni"] in (RED, BLUE), f"{what}: a frame carries VNI {v['vni']}, expected {RED} or {BLUE}")
        check(v["df"], f"{what}: outer IPv4 without DF: {v}")
        check(49152 <= v["sport"] <= 65535, f"{what}: UDP source port {v['sport']} outside 49152-65535")
        check(v["udp_checksum"] == 0, f"{what}: UDP checksum {v['udp_checksum']:#x}, expected 0 (RFC 7348)")
        icmp = inner_icmp(v["inner"])
        if icmp is None or marker not in icmp[3]:
            continue
        check(v["vni"] == vni, f"{what}: this tenant's ping travels in VNI {v['vni']}, expected {vni}")
        if icmp[:3] == ("10.50.0.1", "10.50.0.2", 8) and v["src_ip"] == VTEP_A:
            requests += 1
        elif icmp[:3] == ("10.50.0.2", "10.50.0.1", 0) and v["src_ip"] == VTEP_B:
            replies += 1
    check(requests >= PINGS and replies >= PINGS,
          f"{what}: {requests} echo requests A->B and {replies} replies B->A inside VXLAN, expected >= {PINGS} each")
    sports = {v["sport"] for v in vxlan}
    log(f"{what}: {len(vxlan)} VXLAN frames, UDP dst 4789, DF, checksum 0; pings in VNI {vni}: "
        f"{requests} requests / {replies} replies inside; source ports {sorted(sports)[:4]}...")


def check_bad_tunnel_config_refused(env):
    """A config file with bad tunnel entries stops vswitchd before anything starts: non-zero
    exit and one error line naming every bad field."""
    path = os.path.join(env.tmp, "bad-tunnels.textproto")
    with open(path, "w") as f:
        f.write('ports { name: "up" type: "null" }\n'
                'ports { name: "vx0" type: "vxlan" options { key: "uplink" value: "up" } '
                'options { key: "local-ip" value: "192.168.77.1" } }\n'
                'vnis { vni: 100 remotes: "192.168.77" }\n'
                'routes { prefix: "10.20.0.1/16" gateway: "192.168.77.254" }\n')
    env.require_binaries()
    r = vsenv.run(env.vswitchd_args(os.path.join(env.tmp, "bad.sock"), ["--config", path]), check_rc=False)
    errors = [line for line in r.stderr.splitlines() if line.startswith("vswitchd: error:")]
    check(r.returncode != 0, f"vswitchd accepted a bad tunnel config (exit 0):\n{r.stderr}")
    check(len(errors) == 1 and "vnis[0].remotes[0]: '192.168.77' is not an IPv4 address" in errors[0]
          and "routes[0].prefix: '10.20.0.1/16' has host bits set" in errors[0],
          f"expected one error line naming vnis[0].remotes[0] and routes[0].prefix, got:\n{r.stderr}")
    log(f"bad tunnel config refused (exit {r.returncode}): {errors[0]}")


def make_test(port_type, megabytes):
    def test(env):
        check_bad_tunnel_config_refused(env)
        ua, ub = create_underlay(env)
        base = "02:00:%02x:%02x" % ((os.getpid() >> 8) & 0xff, os.getpid() & 0xff)
        mac_1, mac_2 = base + ":0a:01", base + ":0a:02"  # each tenant uses both, same IPs
        ar = tenant_container(env, "ar", "10.50.0.1", mac_1)
        ab = tenant_container(env, "ab", "10.50.0.1", mac_1)
        br = tenant_container(env, "br", "10.50.0.2", mac_2)
        bb = tenant_container(env, "bb", "10.50.0.2", mac_2, extra_ips=["10.50.0.3"])

        state_b = os.path.join(env.tmp, "state-b")
        os.mkdir(state_b)
        host_a = env.start_vswitchd(name="vswitchd-a")
        # Interfaces each switch opens with af_packet: the uplink always, tenants on af-packet runs.
        a_ifaces = [ua] + ([ar.host_if, ab.host_if] if port_type == "af-packet" else [])
        b_ifaces = [ub] + ([br.host_if, bb.host_if] if port_type == "af-packet" else [])
        host_b = start_host_b(env, ["--state-dir", state_b], host_a, a_ifaces, b_ifaces, name="vswitchd-b")
        sock_a, sock_b = host_a.socket, host_b.socket
        configure_host(env, sock_a, port_type, ua, VTEP_A, VTEP_B, ar, ab)
        configure_host(env, sock_b, port_type, ub, VTEP_B, VTEP_A, br, bb)
        check_cli_errors(env, sock_a)

        # The first ping also resolves the underlay (ARP for the remote VTEP) and the overlay.
        ar.ping_until_reachable("10.50.0.2", timeout=30)
        ab.ping_until_reachable("10.50.0.2", timeout=30)

        # --- Ping per tenant, with the underlay captured: VXLAN on the wire, right VNI. -----
        # Both ends are captured: DPDK's af-packet transmits past the kernel's taps (qdisc
        # bypass), so each end shows what it received: A->B on ub, B->A on ua.
        for tenant, src, vni, pattern in (("red", ar, RED, "ee"), ("blue", ab, BLUE, "bb")):
            captures = [capture_underlay(env, ifname, f"tcpdump-{tenant}-{ifname[-2:]}") for ifname in (ua, ub)]
            got, out = ping_with_pattern(src, "10.50.0.2", pattern)
            time.sleep(0.5)
            for tcpdump, _ in captures:
                tcpdump.stop()
            check(got == PINGS, f"{tenant}: {got}/{PINGS} replies across the overlay\n{out}")
            check_tenant_capture([f for _, pcap in captures for f in read_pcap(pcap)], vni, pattern, tenant)

        # --- TCP byte for byte, per tenant, both directions for red. --------------------------
        size = megabytes * 1024 * 1024
        vsenv.tcp_transfer(env, ar, br, size, port=5001)
        vsenv.tcp_transfer(env, br, ar, size, port=5002)
        vsenv.tcp_transfer(env, ab, bb, size, port=5003)

        # --- Isolation: same MACs and IPs, different VNIs. ------------------------------------
        got, out = ar.ping("10.50.0.3", count=3, deadline=5)
        check(got == 0, f"red reached 10.50.0.3, an address only tenant blue has ({got} replies)\n{out}")
        got, out = ab.ping("10.50.0.3", count=3)
        check(got == 3, f"blue cannot reach its own 10.50.0.3: {got}/3\n{out}")
        before = env.stable_port_counters(socket_path=sock_b)
        got, out = ar.ping("10.50.0.2", count=PINGS)
        check(got == PINGS, f"red: {got}/{PINGS}\n{out}")
        after = env.stable_port_counters(socket_path=sock_b)
        to_red = after["red"]["tx_packets"] - before["red"]["tx_packets"]
        to_blue = after["blue"]["tx_packets"] - before["blue"]["tx_packets"]
        log(f"host B while red pinged: sent {to_red} frames to red, {to_blue} to blue")
        check(to_red >= PINGS, f"host B sent {to_red} frames to red's port, expected >= {PINGS}")
        check(to_blue == 0, f"host B sent {to_blue} frames to blue's port while only red talked")

        # --- What the switches learned, as vsctl shows it. -------------------------------------
        fdb_b = env.vsctl_json("fdb-show", socket_path=sock_b).get("entries", [])
        behind_a = {(int(e.get("vni", 0)), e.get("mac")) for e in fdb_b
                    if e.get("port") == "vx0" and e.get("remoteIp") == VTEP_A}
        check({(RED, mac_1), (BLUE, mac_1)} <= behind_a,
              f"host B should know {mac_1} in VNI {RED} and {BLUE} behind VTEP {VTEP_A}: {fdb_b}")
        neighbors_a = env.vsctl_json("neigh-show", socket_path=sock_a).get("neighbors", [])
        check(any(n.get("ip") == VTEP_B and n.get("port") == "up" for n in neighbors_a),
              f"host A did not learn VTEP {VTEP_B} on its uplink by ARP: {neighbors_a}")
        vnis_a = {int(v["vni"]): v for v in env.vsctl_json("vni-show", socket_path=sock_a).get("vnis", [])}
        check(sorted(vnis_a) == [RED, BLUE], f"vni-show on host A: {vnis_a}")
        check(vnis_a[RED].get("remotes") == [VTEP_B] and vnis_a[RED].get("ports") == ["red"],
              f"VNI {RED} on host A: {vnis_a[RED]}")
        for cmd in ("vni-show", "neigh-show", "fdb-show"):
            log(f"host A: vsctl {cmd}\n" + env.vsctl(cmd, socket_path=sock_a).stdout.rstrip())
        drops = {k: v for k, v in after["up"]["drops"].items() if v and k.startswith(("vxlan", "tunnel"))}
        check(not drops, f"host B's uplink counted tunnel drops: {drops}")

        # --- Host B restarts from its state directory: the overlay comes back by itself. ------
        check(host_b.stop() == 0, f"vswitchd-b exited with {host_b.proc.returncode} on SIGTERM")
        host_b = start_host_b(env, ["--state-dir", state_b], host_a, a_ifaces, b_ifaces, socket_path=sock_b,
                              name="vswitchd-b-restarted")
        restored = host_b.wait_for_line(r"restored \d+ VNIs", 10)
        log(restored)
        vnis_b = sorted(int(v["vni"]) for v in env.vsctl_json("vni-show", socket_path=sock_b).get("vnis", []))
        check(vnis_b == [RED, BLUE], f"after restart host B has VNIs {vnis_b}")
        ar.ping_until_reachable("10.50.0.2", timeout=30)
        got, out = ar.ping("10.50.0.2", count=PINGS)
        check(got == PINGS, f"red after host B restarted: {got}/{PINGS}\n{out}")
        got, out = ar.ping("10.50.0.3", count=3, deadline=5)
        check(got == 0, f"after restart red reached blue's 10.50.0.3 ({got} replies)")

        # --- A remote MAC configured instead of flooded for (a controller's way). -----------
        # Host A's VNI 100 gets an empty flood list and forgets what it learned; red knows
        # br's MAC without ARP. Unknown unicast then has nowhere to go...
        env.vsctl("add-vni", str(RED), socket_path=sock_a)
        env.vsctl("fdb-flush", socket_path=sock_a)
        ar.exec(["ip", "neigh", "replace", "10.50.0.2", "lladdr", mac_2, "dev", ar.ifname, "nud", "permanent"])
        got, out = ar.ping("10.50.0.2", count=3, deadline=5)
        check(got == 0, f"VNI {RED} without a flood list or FDB entry still reached br ({got} replies)")
        # ...until the operator says where that MAC lives.
        env.vsctl("fdb-add", "0", mac_2, "vx0", f"vni={RED}", f"remote={VTEP_B}", socket_path=sock_a)
        got, out = ar.ping("10.50.0.2", count=PINGS)
        check(got == PINGS, f"with a static remote MAC: {got}/{PINGS}\n{out}")
        entries = env.vsctl_json("fdb-show", socket_path=sock_a).get("entries", [])
        check(any(e.get("mac") == mac_2 and e.get("isStatic") and int(e.get("vni", 0)) == RED
                  and e.get("remoteIp") == VTEP_B for e in entries),
              f"fdb-show on host A lacks the static {mac_2} in VNI {RED} behind {VTEP_B}: {entries}")
        log(f"static remote MAC {mac_2} (VNI {RED}, VTEP {VTEP_B}) carries red's ping with no flood list")
    return test


if __name__ == "__main__":
    argv = sys.argv[1:]
    port_type = vsenv.pop_option(argv, "--port-type", "af-packet")
    megabytes = int(vsenv.pop_option(argv, "--megabytes", "8"))
    sys.exit(vsenv.main(make_test(port_type, megabytes), argv, needs=("tcpdump",)))
