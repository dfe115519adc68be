"""The benchmark scenarios: traffic and what each switch is asked to do with it.

kind "replay": a capture replayed forever from a `net_pcap` port (rx_pcap=FILE,infinite_rx=1)
into the switch, which sends to a `net_null` sink with no-rx=1 (a null port without it also
receives recycled mbufs at full speed and halves whatever polls it). Measured: Mpps at the sink.
kind "generated": the same forwarding measurement, but the project's generator vsbench sends
into a memif port the switch serves (harness/source.py): flow counts no capture can hold for
OVS (1M). The switch's capacity comes from its busy cycles per packet.
kind "install": rule install time (100k / 1M rules) and single-rule change latency, with l2
traffic running meanwhile. kind "vsbench": the project's generator over two memif ports:
zero-loss rate (RFC 2544 search) and latency. kind "pktgen": pktgen-dpdk over vhost-user.

pipeline says what the switch does:
  l2           OVS and vswitchd: one rule in_port=1,actions=output:2; testpmd io-forwards
  normal       OVS: actions=NORMAL; vswitchd: no rules (its default learning switch)
  rules1k      1,000 rules over 10 masks (bench/tools/gen_rules.py), the same file to both
  vxlan-decap  VXLAN frames to the local VTEP in, inner frames out to the sink
  vxlan-encap  plain frames in, VXLAN-encapsulated to a remote VTEP out
"""

import dataclasses

KIND_REPLAY = "replay"
KIND_GENERATED = "generated"
KIND_INSTALL = "install"
KIND_VSBENCH = "vsbench"
KIND_PKTGEN = "pktgen"

# Addresses of the VXLAN scenarios (also the defaults of gen_pcap.py --vxlan and vsbench).
VXLAN_VNI = 100
LOCAL_VTEP_IP = "172.16.0.2"
LOCAL_VTEP_MAC = "02:00:00:00:01:02"
REMOTE_VTEP_IP = "172.16.0.1"
REMOTE_VTEP_MAC = "02:00:00:00:01:01"


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    flows: int = 1024
    frame_size: int = 64          # on the wire, incl. FCS (the inner frame's with VXLAN)
    kind: str = KIND_REPLAY
    pipeline: str = "l2"
    vlan: int | None = None
    vxlan_vni: int | None = None  # the capture is VXLAN-encapsulated with this VNI
    rules: int = 0                # install: rules to install; rules1k: rules in the set

    @property
    def source(self):
        """What sends the traffic: "vsbench" for generated scenarios, else the pcap replay."""
        return "vsbench" if self.kind == KIND_GENERATED else "pcap"

    @property
    def frames(self):
        """Frames in the capture: one per flow, so replay visits every flow once per pass
        (none when vsbench generates the traffic)."""
        return 0 if self.source == "vsbench" else self.flows

    def generator_args(self):
        args = ["--size", str(self.frame_size), "--seed", "1"]
        if self.pipeline != "rules1k":  # rules1k takes its flows from gen_rules.py
            args += ["--flows", str(self.flows)]
        if self.vlan is not None:
            args += ["--vlan", str(self.vlan)]
        if self.vxlan_vni is not None:
            args += ["--vxlan", str(self.vxlan_vni)]
        return args

    def capture_name(self):
        parts = [f"udp{self.frame_size}", f"{self.flows}flows"]
        if self.pipeline == "rules1k":
            parts.append(f"rules{self.rules}")
        if self.vlan is not None:
            parts.append(f"vlan{self.vlan}")
        if self.vxlan_vni is not None:
            parts.append(f"vxlan{self.vxlan_vni}")
        return "-".join(parts) + ".pcap"

    def with_frame_size(self, size):
        return dataclasses.replace(self, frame_size=size)


SCENARIOS = {
    s.name: s for s in [
        Scenario("l2-1k", "L2 forwarding, 1 rule in_port->output, UDP over 1k flows", flows=1024),
        Scenario("l2-64k", "L2 forwarding, 1 rule in_port->output, UDP over 64k flows", flows=65536),
        Scenario("l2-200k", "L2 forwarding, 1 rule in_port->output, UDP over 200k flows "
                 "(the largest capture OVS's 262,144-mbuf pool can replay)", flows=200000),
        Scenario("normal-64k", "learning switch (OVS actions=NORMAL, vswitchd with no rules), "
                 "64k flows", flows=65536, pipeline="normal"),
        Scenario("rules1k-64k", "1,000 rules over 10 masks (nw_dst /8../32, tp_dst, "
                 "nw_dst/16+tp_dst, nw_src/24), 64k flows that hit them", flows=65536,
                 pipeline="rules1k", rules=1000),
        Scenario("vxlan-decap-1k", "VXLAN decapsulation (VNI 100) to a local port, 1k inner flows",
                 flows=1024, pipeline="vxlan-decap", vxlan_vni=VXLAN_VNI),
        Scenario("vxlan-decap-64k", "VXLAN decapsulation (VNI 100) to a local port, 64k inner flows",
                 flows=65536, pipeline="vxlan-decap", vxlan_vni=VXLAN_VNI),
        Scenario("vxlan-encap-1k", "VXLAN encapsulation (VNI 100) toward a remote VTEP, 1k flows",
                 flows=1024, pipeline="vxlan-encap"),
        Scenario("vxlan-encap-64k", "VXLAN encapsulation (VNI 100) toward a remote VTEP, 64k flows",
                 flows=65536, pipeline="vxlan-encap"),
        Scenario("l2-1m", "L2 forwarding, 1 rule in_port->output, UDP over 1M flows (OVS's "
                 "mbuf pool cannot hold the capture: see l2-1m-gen; needs ~2.6 GB of hugepages, "
                 "which bench/run reserves for the run)", flows=1000000),
        Scenario("l2-1m-gen", "L2 forwarding, 1 rule in_port->output, UDP over 1M flows sent by "
                 "vsbench over memif, for every contender", flows=1000000, kind=KIND_GENERATED),
        Scenario("l2-1k-gen", "l2-1k's traffic sent by vsbench over memif: the generated "
                 "method's baseline next to l2-1m", flows=1024, kind=KIND_GENERATED),
        Scenario("install-100k", "install 100k rules in one batch while l2-1k traffic runs, "
                 "then one rule change", kind=KIND_INSTALL, rules=100000),
        Scenario("install-1m", "install 1M rules in one batch while l2-1k traffic runs, "
                 "then one rule change", kind=KIND_INSTALL, rules=1000000),
        Scenario("vsbench-memif", "vsbench over two memif ports: RFC 2544 zero-loss rate and "
                 "latency (generator-limited here: it shares core 0)", kind=KIND_VSBENCH),
        Scenario("pktgen-vhost", "pktgen-dpdk range mode over two vhost-user ports",
                 kind=KIND_PKTGEN),
    ]
}

DEFAULT_SCENARIOS = list(SCENARIOS)
# The flow-count sweep plotted as Mpps against flows.
FLOW_SWEEP = ["l2-1k", "l2-64k", "l2-200k", "l2-1m"]
