"""dpdk-testpmd io-forwarding: the ceiling. No parsing, no lookup: rx burst -> tx burst.

testpmd runs interactively with its stdin held open by the harness (non-interactive testpmd
exits at stdin EOF). The harness reads the sink's TX-packets with `show port stats 1`, and
testpmd's own busy-cycle count with `set record-core-cycles on` / `show fwd stats all`.
"""

import re
import shutil

from . import measurement as ms
from . import sizing
from . import source as source_mod
from .process import ManagedProcess, ProcessError

NAME = "testpmd"
SOURCE_PORT = 0  # the first --vdev (net_pcap)
SINK_PORT = 1    # the second --vdev (net_null)


class TestpmdSession:
    def __init__(self, proc):
        self.proc = proc

    def sink_tx_packets(self):
        self.proc.send(f"show port stats {SINK_PORT}")
        self.proc.wait_for_line(lambda l: f"NIC statistics for port {SINK_PORT}" in l, 15,
                                "port stats header")
        line = self.proc.wait_for_line(lambda l: "TX-packets:" in l, 15, "TX-packets")
        return int(re.search(r"TX-packets:\s*(\d+)", line).group(1))

    def clear_fwd_stats(self):
        # No reply line to wait for; the next command's output orders after it.
        self.proc.send("clear fwd stats all")

    def fwd_cycles_per_packet(self):
        """testpmd's own cycles/packet since clear_fwd_stats, or None if it printed none.

        testpmd prints the cycles line only when packets were forwarded, and nothing ends the
        report, so "show config fwd" follows as an end marker.
        """
        self.proc.send("show fwd stats all")
        self.proc.send("show config fwd")
        cycles = None
        while True:
            line = self.proc.wait_for_line(lambda l: "CPU cycles/packet=" in l or
                                           ("packet forwarding" in l and "ports=" in l), 15,
                                           "forward statistics")
            found = re.search(r"CPU cycles/packet=([\d.]+)", line)
            if not found:
                return cycles
            cycles = float(found.group(1))


def unavailable():
    if not shutil.which("dpdk-testpmd"):
        return ms.Measurement(NAME, status=ms.STATUS_NOT_INSTALLED,
                              detail="dpdk-testpmd not found (Debian package dpdk)")
    return None


def start(scenario, ctx, vdevs, mbufs):
    """An interactive testpmd io-forwarding between the vdevs (port 0 <-> port 1), started."""
    argv = ["stdbuf", "-oL", shutil.which("dpdk-testpmd"), "-l", f"{ctx.main_lcore},{ctx.worker_lcore}",
            "--file-prefix", ctx.file_prefix(NAME), "--in-memory", "--no-pci",
            "-m", str(sizing.memory_mb_for(mbufs))]
    for vdev in vdevs:
        argv += ["--vdev", vdev]
    argv += ["--", "-i", "--forward-mode=io", "--nb-cores=1", f"--total-num-mbufs={mbufs}"]
    proc = ManagedProcess(NAME, argv, ctx.log_path(scenario, NAME), interactive=True)
    try:
        proc.wait_for_line(lambda l: l.startswith(f"Port {SINK_PORT}:"), 60, "ports to start")
        # Counts the forwarding core's cycles, so testpmd reports its own cycles/packet.
        proc.send("set record-core-cycles on")
        proc.send("start")
        proc.wait_for_line(lambda l: "packet forwarding" in l and "ports=" in l, 30,
                           "forwarding to start")
    except ProcessError:
        proc.stop(graceful_input="quit")
        raise
    return proc


def run(scenario, traffic, ctx):
    m = unavailable()
    if m:
        return m
    m = ms.Measurement(NAME)
    mbufs = sizing.mbufs_for(scenario.frames)
    proc = None
    src = source_mod.for_scenario(scenario, traffic, ctx, NAME)
    try:
        proc = start(scenario, ctx, [src.dpdk_devargs(), "net_null0,no-rx=1"], mbufs)
        m.command, m.log = proc.command, proc.log_path
        session = TestpmdSession(proc)
        src.start()
        ctx.sleep(ctx.warmup)
        ws = ms.run_windows(ctx, proc.proc.pid, session.sink_tx_packets,
                            open_window=session.clear_fwd_stats,
                            close_window=session.fwd_cycles_per_packet)
        ms.fill(m, ws, ctx.tsc_hz, "testpmd record-core-cycles: cycles in the forwarding "
                "functions / forwarded packets (median window)")
        if scenario.pipeline != "l2":
            m.detail = ("io-forwarding of the same capture: the ceiling, with none of the "
                        f"{scenario.pipeline} work")
        # Forwarding stops before vsbench disconnects: testpmd's memif server crashes
        # (SIGSEGV) when its client goes away while it polls (seen with DPDK 22.11).
        proc.send("stop")
        src.stop(m)
        source_mod.fill_capacity(m, ctx.tsc_hz)
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        src.abort()
        if proc:
            proc.stop(graceful_input="quit")
    return m
