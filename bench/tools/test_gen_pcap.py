#!/usr/bin/python3
"""Tests for gen_pcap.py: every frame is parsed back and checked field by field.

Run directly or through ctest (bench_gen_pcap). Where Debian's python3-scapy is installed,
the captures are also decoded by scapy as an independent reader.
"""

import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)

import gen_pcap  # noqa: E402


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, major, minor, _, _, snaplen, linktype = struct.unpack_from("<IHHiIII", data, 0)
    assert magic == gen_pcap.PCAP_MAGIC_USEC and (major, minor) == (2, 4) and linktype == 1
    frames, off = [], 24
    while off < len(data):
        _, _, incl, orig = struct.unpack_from("<IIII", data, off)
        assert incl == orig
        off += 16
        frames.append(data[off:off + incl])
        off += incl
    return frames


def checksum_ok(header):
    return gen_pcap.ipv4_checksum(header) == 0


def parse_udp_frame(frame, vlan=None):
    """Returns (src_ip, sport, dport, udp_payload_len) after checking every header field."""
    off = 12
    if vlan is not None:
        tpid, tci = struct.unpack_from("!HH", frame, off)
        assert tpid == 0x8100 and (tci & 0x0FFF) == vlan, (hex(tpid), tci)
        off += 4
    (ethertype,) = struct.unpack_from("!H", frame, off)
    assert ethertype == 0x0800
    ip = frame[off + 2:off + 22]
    assert ip[0] == 0x45 and ip[9] == 17 and checksum_ok(ip)
    (total_len,) = struct.unpack_from("!H", ip, 2)
    assert total_len == len(frame) - off - 2, (total_len, len(frame), off)
    sport, dport, udp_len, _ = struct.unpack_from("!HHHH", frame, off + 22)
    assert udp_len == total_len - 20
    return ip[12:16], sport, dport, udp_len - 8


class GenPcapTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def generate(self, name, *args):
        path = os.path.join(self.dir.name, name)
        self.assertEqual(gen_pcap.main(["-o", path, *args]), 0)
        return path

    def test_64_byte_frames_over_distinct_flows(self):
        frames = read_pcap(self.generate("a.pcap", "--flows", "1000"))
        self.assertEqual(len(frames), 1000)
        tuples = set()
        for frame in frames:
            self.assertEqual(len(frame), 60)  # 64 on the wire minus the FCS
            self.assertEqual(frame[:6], gen_pcap.parse_mac("02:00:00:00:00:02"))
            src, sport, dport, _ = parse_udp_frame(frame)
            self.assertEqual(src[0], 10)
            tuples.add((src, sport, dport))
        self.assertEqual(len(tuples), 1000)

    def test_packets_repeat_flows_round_robin(self):
        frames = read_pcap(self.generate("a.pcap", "--flows", "3", "--packets", "7"))
        self.assertEqual(len(frames), 7)
        self.assertEqual(frames[0], frames[3])
        self.assertEqual(frames[0], frames[6])
        self.assertNotEqual(frames[0], frames[1])

    def test_same_arguments_give_identical_files(self):
        digest = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()  # noqa: E731
        a = self.generate("a.pcap", "--flows", "500", "--seed", "7")
        b = self.generate("b.pcap", "--flows", "500", "--seed", "7")
        c = self.generate("c.pcap", "--flows", "500", "--seed", "8")
        self.assertEqual(digest(a), digest(b))
        self.assertNotEqual(digest(a), digest(c))

    def test_sizes(self):
        for size in (64, 128, 512, 1518):
            frames = read_pcap(self.generate(f"s{size}.pcap", "--flows", "4", "--size", str(size)))
            self.assertTrue(all(len(f) == size - 4 for f in frames), size)
            parse_udp_frame(frames[0])

    def test_vlan_tag_stays_inside_the_frame_size(self):
        frames = read_pcap(self.generate("v.pcap", "--flows", "8", "--vlan", "100"))
        for frame in frames:
            self.assertEqual(len(frame), 60)
            parse_udp_frame(frame, vlan=100)

    def test_vxlan_wraps_the_inner_frame(self):
        frames = read_pcap(self.generate("x.pcap", "--flows", "16", "--vxlan", "5000",
                                         "--size", "64"))
        outer_sports = set()
        for frame in frames:
            self.assertEqual(len(frame), 60 + gen_pcap.VXLAN_OVERHEAD)
            src, sport, dport, payload_len = parse_udp_frame(frame)
            self.assertEqual(src, bytes((172, 16, 0, 1)))
            self.assertEqual(dport, 4789)
            outer_sports.add(sport)
            flags, vni_word = struct.unpack_from("!II", frame, 42)
            self.assertEqual(flags, 0x08000000)
            self.assertEqual(vni_word >> 8, 5000)
            inner = frame[50:]
            self.assertEqual(payload_len, 8 + len(inner))
            inner_src, _, _, _ = parse_udp_frame(inner)
            self.assertEqual(inner_src[0], 10)
        self.assertGreater(len(outer_sports), 1)  # flow entropy reaches the outer header

    def test_bad_arguments_name_the_problem(self):
        for args, word in ((["--size", "63"], "--size"), (["--size", "1519"], "--size"),
                           (["--flows", "0"], "--flows"), (["--vlan", "4096"], "--vlan"),
                           (["--vxlan", "16777216"], "--vxlan"), (["--src-mac", "zz"], "MAC")):
            out = subprocess.run([sys.executable, os.path.join(TOOLS, "gen_pcap.py"), "-o",
                                  os.path.join(self.dir.name, "bad.pcap"), *args],
                                 capture_output=True, text=True)
            self.assertNotEqual(out.returncode, 0, args)
            self.assertIn(word, out.stderr, args)

    def test_scapy_decodes_the_same_fields(self):
        try:
            from scapy.all import IP, UDP, VXLAN, Dot1Q, rdpcap
        except ImportError:
            self.skipTest("python3-scapy not installed")
        pkts = rdpcap(self.generate("s.pcap", "--flows", "4", "--vlan", "7", "--vxlan", "42"))
        for p in pkts:
            self.assertEqual(p[VXLAN].vni, 42)
            inner = p[VXLAN].payload
            self.assertEqual(inner[Dot1Q].vlan, 7)
            # scapy recomputes the checksum when the field is cleared: it must agree.
            ip = inner[IP]
            rebuilt = ip.copy()
            del rebuilt.chksum
            self.assertEqual(IP(bytes(rebuilt)).chksum, ip.chksum)
            self.assertEqual(inner[UDP].len, len(inner[UDP]))


if __name__ == "__main__":
    unittest.main()
