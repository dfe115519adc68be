"""The benchmark scenarios: traffic (a generated capture) and what each switch is asked to do.

Every scenario replays its capture from a `net_pcap` port (rx_pcap=FILE,infinite_rx=1) into
the switch and sends the result to a `net_null` sink with no-rx=1 (a null port without it
also receives recycled mbufs at full speed and halves whatever polls it).
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    flows: int
    frame_size: int = 64          # on the wire, incl. FCS
    vlan: int | None = None
    vxlan_vni: int | None = None
    # What the switch under test does with the traffic:
    #   "l2": OVS gets one in_port=1,actions=output:2 rule; vswitchd runs with no rules
    #   (MAC learning floods unknown unicast to the only other port); testpmd io-forwards.
    pipeline: str = "l2"

    @property
    def frames(self):
        """Frames in the capture: one per flow, so replay visits every flow once per pass."""
        return self.flows

    def generator_args(self):
        args = ["--size", str(self.frame_size), "--flows", str(self.flows), "--seed", "1"]
        if self.vlan is not None:
            args += ["--vlan", str(self.vlan)]
        if self.vxlan_vni is not None:
            args += ["--vxlan", str(self.vxlan_vni)]
        return args

    def capture_name(self):
        parts = [f"udp{self.frame_size}", f"{self.flows}flows"]
        if self.vlan is not None:
            parts.append(f"vlan{self.vlan}")
        if self.vxlan_vni is not None:
            parts.append(f"vxlan{self.vxlan_vni}")
        return "-".join(parts) + ".pcap"


SCENARIOS = {
    s.name: s for s in [
        Scenario("l2-1k", "L2 forwarding, 1 rule, 64-byte UDP over 1k flows", flows=1024),
        Scenario("l2-64k", "L2 forwarding, 1 rule, 64-byte UDP over 64k flows", flows=65536),
    ]
}

DEFAULT_SCENARIOS = ["l2-1k", "l2-64k"]
