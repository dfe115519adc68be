#!/usr/bin/python3
"""Tests for gen_rules.py: ten masks, every generated flow hits a rule, files deterministic,
and gen_pcap.py --flow-tuples carries the tuples into the capture unchanged."""

import ipaddress
import os
import struct
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import gen_rules  # noqa: E402


def run(tool, *args):
    return subprocess.run([sys.executable, os.path.join(TOOLS, tool), *args],
                          capture_output=True, text=True)


class MasksTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = gen_rules.masks_rules(1000, 1)
        cls.flows = gen_rules.masks_flows(cls.rules, 65536, 1)

    def test_thousand_rules_over_ten_distinct_masks(self):
        self.assertEqual(len(self.rules), 1000)
        shapes = {(r.dst_len, r.src_len, r.dport is not None) for r in self.rules}
        self.assertEqual(len(shapes), 10)
        per_mask = [sum(1 for r in self.rules if r.mask_index == m) for m in range(10)]
        self.assertEqual(per_mask, [100] * 10)
        self.assertEqual(len({r.text() for r in self.rules}), 1000, "rules must be distinct")

    def test_every_flow_hits_its_rule_and_flows_are_distinct(self):
        self.assertEqual(len(set(self.flows)), 65536)
        for j, (src, dst, sport, dport) in enumerate(self.flows):
            self.assertTrue(self.rules[j % 1000].matches(src, dst, sport, dport), j)

    def test_highest_priority_match_spreads_over_all_masks(self):
        hit = set()
        by_priority = sorted(self.rules, key=lambda r: -r.priority)
        for t in self.flows[:5000]:
            best = next(r for r in by_priority if r.matches(*t))
            hit.add(best.mask_index)
        self.assertEqual(hit, set(range(10)))

    def test_rule_text_is_ofctl_syntax(self):
        texts = [r.text() for r in self.rules[:10]]
        self.assertEqual(texts[0].split(",")[1], "ip")
        self.assertTrue(all(t.endswith(",actions=output:2") for t in texts))
        self.assertIn("tp_dst=", texts[7])
        self.assertTrue(texts[7].split(",")[1] == "udp")
        for t in texts:
            for field in t.split(","):
                if field.startswith(("nw_dst=", "nw_src=")):
                    ipaddress.ip_network(field.split("=")[1])  # strict: host bits clear

    def test_files_are_deterministic_and_pcap_carries_the_tuples(self):
        with tempfile.TemporaryDirectory() as d:
            outs = []
            for i in range(2):
                rules, flows = os.path.join(d, f"r{i}"), os.path.join(d, f"f{i}")
                r = run("gen_rules.py", "masks", "--rules", "50", "--flows", "200", "-o", rules,
                        "--flow-tuples", flows)
                self.assertEqual(r.returncode, 0, r.stderr)
                outs.append((open(rules).read(), open(flows).read()))
            self.assertEqual(outs[0], outs[1])
            pcap = os.path.join(d, "x.pcap")
            r = run("gen_pcap.py", "-o", pcap, "--flow-tuples", os.path.join(d, "f0"))
            self.assertEqual(r.returncode, 0, r.stderr)
            data = open(pcap, "rb").read()
            first = data[24 + 16:24 + 16 + 60]
            src, dst = first[26:30], first[30:34]
            sport, dport = struct.unpack("!HH", first[34:38])
            want = outs[0][1].splitlines()[0].split()
            self.assertEqual([str(ipaddress.IPv4Address(src)), str(ipaddress.IPv4Address(dst)),
                              str(sport), str(dport)], want)

    def test_bad_flow_tuples_name_the_line(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad")
            with open(bad, "w") as f:
                f.write("10.0.0.1 10.0.0.2 1 2\n10.0.0.1 10.0.0.300 1 2\n")
            r = run("gen_pcap.py", "-o", os.path.join(d, "x.pcap"), "--flow-tuples", bad)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(":2:", r.stderr)


class InstallTest(unittest.TestCase):
    def test_distinct_exact_rules(self):
        rules = list(gen_rules.install_rules(70000))
        self.assertEqual(len(set(rules)), 70000)
        self.assertEqual(rules[0], "priority=100,ip,nw_dst=10.0.0.0,actions=output:2")
        self.assertEqual(rules[65536], "priority=100,ip,nw_dst=10.1.0.0,actions=output:2")

    def test_too_few_rules_for_ten_masks_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("gen_rules.py", "masks", "--rules", "5", "-o", os.path.join(d, "r"))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("at least 10", r.stderr)


if __name__ == "__main__":
    unittest.main()
