"""Where a forwarding scenario's packets come from: the switch's own pcap replay port, or the
project's generator, vsbench.

pcap (kind "replay"): the capture replayed forever by a `net_pcap` port (infinite_rx=1). The
fastest source there is, but every frame of the capture sits in an mbuf of the switch's pool,
and OVS's pool holds at most 262,144 mbufs: no replay of 1M flows for OVS.

vsbench (kind "generated"): vsbench runs on the main lcore, unpaced, as the memif client of
the switch's input port and writes each flow's fields into the frame as it sends, so any flow
count costs no memory. It shares core 0 with the switch's control thread and tops out near
17 Mpps here, below what a fast switch forwards: the rate at the sink is then the generator's,
and the switch's own capacity is read from its busy-cycle counters (TSC Hz / busy cycles per
packet), which count only the work on received packets.
"""

import json
import os
import signal
import subprocess

from .process import ProcessError

# Seconds vsbench sends beyond the harness's warm-up and windows, so it never stops first.
TAIL_SECONDS = 3.0


class PcapSource:
    """The capture replayed by the switch's own input port: nothing to start."""

    def __init__(self, capture):
        self.capture = capture

    def dpdk_devargs(self, index=0):
        return f"net_pcap{index},rx_pcap={self.capture},infinite_rx=1"

    def vsctl_port(self):
        return ["pcap", f"rx-pcap={self.capture}", "infinite-rx=1"]

    def start(self):
        pass

    def stop(self, m):
        pass

    def abort(self):
        pass


class VsbenchSource:
    """vsbench as memif client of the switch's input port, sending as fast as it can."""

    def __init__(self, scenario, ctx, contender):
        private = ctx.private_dir(scenario, contender)
        self.scenario = scenario
        self.ctx = ctx
        self.socket = os.path.join(private, "gen.sock")
        self.out_path = os.path.join(private, "vsbench.json")
        self.log_path = os.path.join(private, "vsbench.log")
        self.proc = None
        self.argv = None

    def dpdk_devargs(self, index=0):
        return f"net_memif{index},role=server,socket={self.socket},id=0"

    def vsctl_port(self):
        return ["memif", f"socket={self.socket}", "role=server", "id=0"]

    def start(self):
        """Starts sending; call once the switch serves the socket (its port exists)."""
        ctx = self.ctx
        binary = os.path.join(ctx.bin_dir, "vsbench")
        if not os.access(binary, os.X_OK):
            raise ProcessError(f"vsbench not built ({binary})")
        duration = ctx.warmup + ctx.windows * ctx.window_seconds + TAIL_SECONDS
        self.argv = [binary, "--in-memory", "--lcore", str(ctx.main_lcore),
                     "--log-level", "*:error",
                     "--tx-dev", f"net_memif0,role=client,socket={self.socket},id=0",
                     "--flows", str(self.scenario.flows),
                     "--size", str(self.scenario.frame_size), "--rate-mpps", "0",
                     "--warmup", "0", "--duration", f"{duration:.1f}", "--json"]
        with open(self.out_path, "w") as out, open(self.log_path, "w") as log:
            # Own session: stopping it signals exactly this process group.
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=log, start_new_session=True)

    def stop(self, m):
        """Waits for vsbench to finish its run (it ends just after the windows) and records
        what it offered in m.metrics; kills it if it hangs."""
        if not self.proc:
            return
        m.metrics["generator_command"] = " ".join(self.argv)
        try:
            self.proc.wait(timeout=TAIL_SECONDS + 30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise ProcessError(f"vsbench did not finish; see {self.log_path}") from None
        if self.proc.returncode != 0:
            with open(self.log_path) as f:
                tail = f.read().strip().splitlines()[-1:] or ["no output"]
            raise ProcessError(f"vsbench exited {self.proc.returncode}: {tail[0]}")
        try:
            with open(self.out_path) as f:
                trial = json.load(f)["trials"][0]
        except (OSError, ValueError, KeyError, IndexError) as e:
            raise ProcessError(f"vsbench wrote no usable JSON ({e}); see {self.out_path}") from None
        m.metrics["generator_offered_mpps"] = trial["offered_mpps"]
        m.metrics["generator_ring_full"] = trial["tx_ring_full"]

    def abort(self):
        """Kills vsbench if it still runs (the measurement failed midway)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def for_scenario(scenario, traffic, ctx, contender):
    if scenario.source == "vsbench":
        return VsbenchSource(scenario, ctx, contender)
    return PcapSource(traffic.capture)


def fill_capacity(m, tsc_hz):
    """Generated traffic: the switch's capacity from its own busy cycles per packet, and how
    busy its forwarding core was (1.0 = saturated: the sink rate is then the switch's)."""
    if m.cycles_per_packet_own and tsc_hz:
        m.metrics["capacity_mpps"] = round(tsc_hz / m.cycles_per_packet_own / 1e6, 3)
        if m.mpps:
            m.metrics["busy_share"] = round(m.mpps * 1e6 * m.cycles_per_packet_own / tsc_hz, 3)
