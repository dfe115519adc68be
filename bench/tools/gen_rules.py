#!/usr/bin/python3
"""Writes benchmark rule sets in ovs-ofctl syntax, and traffic that hits them.

  gen_rules.py masks  --rules 1000 --flows 65536 -o RULES [--flow-tuples FLOWS]
  gen_rules.py install --rules 100000 -o RULES

`masks`: RULES rules spread evenly over ten different masks (IPv4 destination prefixes /8,
/12, /16, /20, /24, /28 and /32, UDP destination port, destination /16 + UDP destination port,
source /24), every rule `actions=output:2`. Longer masks get higher priorities, like a
longest-prefix match. --flow-tuples writes FLOWS lines "SRC_IP DST_IP SPORT DPORT": flow j is
built inside rule j % RULES, so every packet hits a rule and the traffic visits every mask;
bench/tools/gen_pcap.py --flow-tuples turns it into a capture.

`install`: RULES distinct exact-match rules (`priority=100,ip,nw_dst=A.B.C.D,actions=output:2`
with A.B.C.D counting up from 10.0.0.0), for timing how fast a switch installs rules.

The same file goes to `ovs-ofctl add-flows` and `vsctl add-flows`: port numbers (1 = the
traffic source, 2 = the sink) mean the same in both, since both number ports 1, 2, ... in the
order they were added. Deterministic: the same arguments give the same files.
"""

import argparse
import ipaddress
import random
import sys

OUT_PORT = 2
# (name, priority, fields): fields are the match fields a rule of that mask sets.
MASKS = [
    ("nw_dst/8", 110, ("dst", 8)),
    ("nw_dst/12", 120, ("dst", 12)),
    ("nw_dst/16", 130, ("dst", 16)),
    ("nw_dst/20", 140, ("dst", 20)),
    ("nw_dst/24", 150, ("dst", 24)),
    ("nw_dst/28", 160, ("dst", 28)),
    ("nw_dst/32", 170, ("dst", 32)),
    ("tp_dst", 180, ("dport",)),
    ("nw_dst/16+tp_dst", 190, ("dst", 16, "dport")),
    ("nw_src/24", 105, ("src", 24)),
]
# Addresses and ports that no rule of a mask that does not set them can hit by chance: the
# free fields of a flow are drawn from ranges the rules never use.
FREE_SRC_NET = ipaddress.ip_network("10.0.0.0/8")
FREE_DST_NET = ipaddress.ip_network("198.18.0.0/15")  # RFC 2544's benchmarking range
RULE_PORTS = range(1000, 2000)
FREE_PORTS = range(20000, 60000)


class Rule:
    def __init__(self, mask_index, priority, dst=None, dst_len=None, src=None, src_len=None, dport=None):
        self.mask_index = mask_index
        self.priority = priority
        self.dst, self.dst_len = dst, dst_len
        self.src, self.src_len = src, src_len
        self.dport = dport

    def text(self):
        parts = [f"priority={self.priority}", "udp" if self.dport is not None else "ip"]
        if self.src is not None:
            parts.append(f"nw_src={ipaddress.IPv4Address(self.src)}/{self.src_len}")
        if self.dst is not None:
            parts.append(f"nw_dst={ipaddress.IPv4Address(self.dst)}/{self.dst_len}")
        if self.dport is not None:
            parts.append(f"tp_dst={self.dport}")
        return ",".join(parts) + f",actions=output:{OUT_PORT}"

    def matches(self, src, dst, sport, dport):
        def in_prefix(addr, net, length):
            shift = 32 - length
            return (addr >> shift) == (net >> shift)
        return ((self.dst is None or in_prefix(dst, self.dst, self.dst_len)) and
                (self.src is None or in_prefix(src, self.src, self.src_len)) and
                (self.dport is None or dport == self.dport))


def _prefix(rng, length, used):
    """A random prefix of that length outside 10/8 and 198.18/15 (the free ranges), unique."""
    while True:
        addr = rng.getrandbits(32)
        first = addr >> 24
        if first in (0, 10, 127) or first >= 224 or (addr >> 17) == (0xC612 >> 1):
            continue
        net = addr & (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF
        if (net, length) not in used:
            used.add((net, length))
            return net


def masks_rules(count, seed):
    if count < len(MASKS):
        raise ValueError(f"--rules must be at least {len(MASKS)} (one per mask), got {count}")
    rng = random.Random(seed)
    used_prefixes, used_ports, rules = set(), set(), []
    for i in range(count):
        m = i % len(MASKS)
        _, priority, fields = MASKS[m]
        rule = Rule(m, priority)
        if fields[0] == "dst":
            rule.dst, rule.dst_len = _prefix(rng, fields[1], used_prefixes), fields[1]
        if fields[0] == "src":
            # Source rules live inside 11.0.0.0/8..: outside the free source range.
            rule.src_len = fields[1]
            while True:
                net = ((11 << 24) | rng.getrandbits(24)) & (0xFFFFFFFF << (32 - fields[1]))
                if (net, fields[1]) not in used_prefixes:
                    used_prefixes.add((net, fields[1]))
                    rule.src = net
                    break
        if "dport" in fields:
            if fields[0] == "dport":  # a port alone must be unique among port-only rules
                while True:
                    port = rng.choice(RULE_PORTS)
                    if port not in used_ports:
                        used_ports.add(port)
                        break
            else:
                port = rng.choice(RULE_PORTS)
            rule.dport = port
        rules.append(rule)
    return rules


def flow_for(rule, rng):
    """A (src, dst, sport, dport) tuple inside the rule, free fields from the free ranges."""
    def inside(net, length):
        return net | (rng.getrandbits(32 - length) if length < 32 else 0)
    src = inside(rule.src, rule.src_len) if rule.src is not None else \
        int(FREE_SRC_NET.network_address) | rng.getrandbits(24)
    dst = inside(rule.dst, rule.dst_len) if rule.dst is not None else \
        int(FREE_DST_NET.network_address) | rng.getrandbits(17)
    dport = rule.dport if rule.dport is not None else rng.choice(FREE_PORTS)
    return src, dst, rng.choice(FREE_PORTS), dport


def masks_flows(rules, flows, seed):
    rng = random.Random(seed + 1)
    seen, out = set(), []
    attempts = 0
    while len(out) < flows:
        rule = rules[len(out) % len(rules)]
        t = flow_for(rule, rng)
        attempts += 1
        if attempts > 20 * flows:
            raise ValueError(f"cannot draw {flows} distinct flows from these rules")
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def install_rules(count):
    base = int(ipaddress.IPv4Address("10.0.0.0"))
    if count > (1 << 24):
        raise ValueError("--rules for install must be at most 16777216")
    for i in range(count):
        yield f"priority=100,ip,nw_dst={ipaddress.IPv4Address(base + i)},actions=output:{OUT_PORT}"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kind", choices=["masks", "install"])
    p.add_argument("-o", "--output", required=True, help="rules file to write")
    p.add_argument("--rules", type=int, default=1000)
    p.add_argument("--flows", type=int, default=65536, help="masks: flows to draw")
    p.add_argument("--flow-tuples", help="masks: write the flows here (SRC DST SPORT DPORT)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.rules < 1:
        p.error(f"--rules must be >= 1, got {args.rules}")
    if args.flows < 1:
        p.error(f"--flows must be >= 1, got {args.flows}")
    return args


def main(argv):
    args = parse_args(argv)
    try:
        if args.kind == "install":
            with open(args.output, "w") as f:
                for line in install_rules(args.rules):
                    f.write(line + "\n")
            print(f"gen_rules: wrote {args.rules} install rules to {args.output}")
            return 0
        rules = masks_rules(args.rules, args.seed)
        with open(args.output, "w") as f:
            for r in rules:
                f.write(r.text() + "\n")
        if args.flow_tuples:
            with open(args.flow_tuples, "w") as f:
                for src, dst, sport, dport in masks_flows(rules, args.flows, args.seed):
                    f.write(f"{ipaddress.IPv4Address(src)} {ipaddress.IPv4Address(dst)} {sport} {dport}\n")
    except (ValueError, OSError) as e:
        print(f"gen_rules: error: {e}", file=sys.stderr)
        return 1
    print(f"gen_rules: wrote {len(rules)} rules over {len(MASKS)} masks to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
