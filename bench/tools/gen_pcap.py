#!/usr/bin/python3
"""Writes deterministic benchmark captures: Ethernet/IPv4/UDP frames over N distinct flows.

Used by bench/run to build the traffic that `net_pcap` (rx_pcap=FILE,infinite_rx=1) replays
into a switch. Frames are built with struct from one template per capture and only the
per-flow fields are patched, so a 1M-frame capture takes seconds (scapy would take minutes).

Sizes follow the benchmarking convention (RFC 2544, pktgen, testpmd): `--size 64` means a
64-byte frame on the wire *including* the 4-byte FCS, so the capture holds 60 bytes per frame.
With `--vlan` the 802.1Q tag is inside that size (the payload shrinks). With `--vxlan` the
size is the inner frame's; the outer Ethernet/IPv4/UDP/VXLAN headers add 50 bytes.

Flows differ by (source IPv4, UDP source port, UDP destination port), drawn from a seeded
PRNG without repetition, so the same arguments always give a byte-identical file (the pcap
timestamps are synthetic too). With --flow-tuples FILE the flows are taken from FILE instead,
one "SRC_IP DST_IP SPORT DPORT" per line (bench/tools/gen_rules.py writes such files for
traffic that must hit a rule set).
"""

import argparse
import random
import struct
import sys

FCS_LEN = 4
ETH_HDR_LEN = 14
VLAN_TAG_LEN = 4
IPV4_HDR_LEN = 20
UDP_HDR_LEN = 8
VXLAN_HDR_LEN = 8
VXLAN_OVERHEAD = ETH_HDR_LEN + IPV4_HDR_LEN + UDP_HDR_LEN + VXLAN_HDR_LEN  # 50
VXLAN_UDP_PORT = 4789
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_VLAN = 0x8100
IPPROTO_UDP = 17
MIN_FRAME = 64
MAX_FRAME = 1518  # untagged; a tagged frame may be 1522
MAX_FLOWS = 1 << 24

PCAP_MAGIC_USEC = 0xA1B2C3D4
PCAP_LINKTYPE_ETHERNET = 1
PCAP_SNAPLEN = 65535


def parse_mac(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise ValueError(f"bad MAC address '{text}': expected six hex bytes separated by ':'")
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise ValueError(f"bad MAC address '{text}': non-hex byte") from None


def parse_ipv4(text):
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        raise ValueError(f"bad IPv4 address '{text}'")
    return bytes(int(p) for p in parts)


def ipv4_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def ipv4_header(src, dst, payload_len, ident=0, ttl=64):
    """A 20-byte IPv4 header (no options, DF clear) with a correct checksum."""
    hdr = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, IPV4_HDR_LEN + payload_len, ident, 0,
                                ttl, IPPROTO_UDP, 0, src, dst))
    struct.pack_into("!H", hdr, 10, ipv4_checksum(bytes(hdr)))
    return bytes(hdr)


class FlowSpace:
    """Distinct (src IPv4, sport, dport) tuples drawn from a seeded PRNG.

    Source addresses come from 10.0.0.0/8 (16M addresses), ports from 1024..65535, so even
    1M flows are sparse and collisions are simply redrawn.
    """

    def __init__(self, flows, seed):
        if not 1 <= flows <= MAX_FLOWS:
            raise ValueError(f"--flows must be in 1..{MAX_FLOWS}, got {flows}")
        rng = random.Random(seed)
        seen = set()
        self.tuples = []
        while len(self.tuples) < flows:
            t = (rng.getrandbits(24), rng.randint(1024, 65535), rng.randint(1024, 65535))
            if t not in seen:
                seen.add(t)
                self.tuples.append(t)


def read_flow_tuples(path):
    """Flow tuples (src bytes, dst bytes, sport, dport) from a file, with line numbers in errors."""
    tuples = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if len(fields) != 4:
                raise ValueError(f"{path}:{n}: expected 'SRC_IP DST_IP SPORT DPORT', got {line.strip()!r}")
            try:
                sport, dport = int(fields[2]), int(fields[3])
            except ValueError:
                raise ValueError(f"{path}:{n}: ports must be integers") from None
            if not (0 <= sport <= 65535 and 0 <= dport <= 65535):
                raise ValueError(f"{path}:{n}: ports must be in 0..65535")
            try:
                tuples.append((parse_ipv4(fields[0]), parse_ipv4(fields[1]), sport, dport))
            except ValueError as e:
                raise ValueError(f"{path}:{n}: {e}") from None
    if not tuples:
        raise ValueError(f"{path}: no flow tuples")
    return tuples


def flow_tuples(args, dst_ip):
    """Every flow as (src bytes, dst bytes, sport, dport), in replay order."""
    if args.flow_tuples:
        return read_flow_tuples(args.flow_tuples)
    space = FlowSpace(args.flows, args.seed)
    return [(bytes((10, (ip_low >> 16) & 0xFF, (ip_low >> 8) & 0xFF, ip_low & 0xFF)), dst_ip, sport, dport)
            for ip_low, sport, dport in space.tuples]


def build_frames(args):
    """Yields every frame of the capture (without FCS) in replay order."""
    src_mac = parse_mac(args.src_mac)
    dst_mac = parse_mac(args.dst_mac)
    dst_ip = parse_ipv4(args.dst_ip)
    tag_len = VLAN_TAG_LEN if args.vlan is not None else 0
    inner_len = args.size - FCS_LEN  # bytes captured for the (inner) frame
    udp_payload_len = inner_len - ETH_HDR_LEN - tag_len - IPV4_HDR_LEN - UDP_HDR_LEN
    if udp_payload_len < 0:
        raise ValueError(f"--size {args.size} is too small for the headers")

    if args.vlan is not None:
        l2 = dst_mac + src_mac + struct.pack("!HHH", ETHERTYPE_VLAN, args.vlan, ETHERTYPE_IPV4)
    else:
        l2 = dst_mac + src_mac + struct.pack("!H", ETHERTYPE_IPV4)
    # Payload: a recognisable byte pattern, identical for every frame.
    payload = bytes((i & 0xFF) for i in range(udp_payload_len))

    outer = None
    if args.vxlan is not None:
        outer_l2 = (parse_mac(args.outer_dst_mac) + parse_mac(args.outer_src_mac) +
                    struct.pack("!H", ETHERTYPE_IPV4))
        outer_src = parse_ipv4(args.outer_src_ip)
        outer_dst = parse_ipv4(args.outer_dst_ip)
        vxlan = struct.pack("!II", 0x08000000, args.vxlan << 8)  # I flag, VNI
        outer = (outer_l2, outer_src, outer_dst, vxlan)

    tuples = flow_tuples(args, dst_ip)
    flows = len(tuples)
    count = args.packets if args.packets else flows
    for i in range(count):
        src_ip, flow_dst_ip, sport, dport = tuples[i % flows]
        ip_low = int.from_bytes(src_ip[1:], "big")
        udp = struct.pack("!HHHH", sport, dport, UDP_HDR_LEN + udp_payload_len, 0)
        inner = l2 + ipv4_header(src_ip, flow_dst_ip, UDP_HDR_LEN + udp_payload_len) + udp + payload
        if outer is None:
            yield inner
            continue
        outer_l2, outer_src, outer_dst, vxlan = outer
        # The outer source port carries the inner flow's entropy, as RFC 7348 recommends.
        outer_sport = 49152 + ((sport ^ dport ^ ip_low) & 0x3FFF)
        outer_udp_len = UDP_HDR_LEN + VXLAN_HDR_LEN + len(inner)
        outer_udp = struct.pack("!HHHH", outer_sport, VXLAN_UDP_PORT, outer_udp_len, 0)
        yield outer_l2 + ipv4_header(outer_src, outer_dst, outer_udp_len) + outer_udp + vxlan + inner


def write_pcap(path, frames):
    """Writes a classic little-endian microsecond pcap; returns the number of frames."""
    n = 0
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC_USEC, 2, 4, 0, 0, PCAP_SNAPLEN,
                            PCAP_LINKTYPE_ETHERNET))
        rec = struct.Struct("<IIII")
        for frame in frames:
            # Synthetic timestamps, 1 us apart: keeps the file deterministic.
            f.write(rec.pack(n // 1000000, n % 1000000, len(frame), len(frame)))
            f.write(frame)
            n += 1
    return n


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-o", "--output", required=True, help="pcap file to write")
    p.add_argument("--size", type=int, default=64,
                   help="frame size on the wire incl. FCS (inner frame with --vxlan), 64..1518")
    p.add_argument("--flows", type=int, default=1024, help="distinct 5-tuples")
    p.add_argument("--flow-tuples", default=None, metavar="FILE",
                   help="take the flows from FILE ('SRC_IP DST_IP SPORT DPORT' per line) "
                        "instead of drawing --flows of them")
    p.add_argument("--packets", type=int, default=0,
                   help="frames in the capture (default: one per flow); flows repeat round-robin")
    p.add_argument("--seed", type=int, default=1, help="PRNG seed for the flow tuples")
    p.add_argument("--vlan", type=int, default=None, help="add an 802.1Q tag with this VLAN id")
    p.add_argument("--vxlan", type=int, default=None, metavar="VNI",
                   help="encapsulate every frame in outer Eth/IPv4/UDP 4789/VXLAN with this VNI")
    p.add_argument("--src-mac", default="02:00:00:00:00:01")
    p.add_argument("--dst-mac", default="02:00:00:00:00:02")
    p.add_argument("--dst-ip", default="192.168.0.1")
    p.add_argument("--outer-src-mac", default="02:00:00:00:01:01")
    p.add_argument("--outer-dst-mac", default="02:00:00:00:01:02")
    p.add_argument("--outer-src-ip", default="172.16.0.1")
    p.add_argument("--outer-dst-ip", default="172.16.0.2")
    args = p.parse_args(argv)
    max_size = MAX_FRAME + (VLAN_TAG_LEN if args.vlan is not None else 0)
    if not MIN_FRAME <= args.size <= max_size:
        p.error(f"--size must be in {MIN_FRAME}..{max_size}, got {args.size}")
    if args.packets < 0:
        p.error(f"--packets must be >= 0, got {args.packets}")
    if args.vlan is not None and not 0 <= args.vlan <= 4095:
        p.error(f"--vlan must be in 0..4095, got {args.vlan}")
    if args.vxlan is not None and not 0 <= args.vxlan < (1 << 24):
        p.error(f"--vxlan VNI must be in 0..16777215, got {args.vxlan}")
    return args


def main(argv):
    args = parse_args(argv)
    try:
        n = write_pcap(args.output, build_frames(args))
    except (ValueError, OSError) as e:
        print(f"gen_pcap: error: {e}", file=sys.stderr)
        return 1
    flows = "the listed" if args.flow_tuples else args.flows
    print(f"gen_pcap: wrote {n} frames over {flows} flows to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
