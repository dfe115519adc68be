"""This project's vswitchd with one worker, driven through vsctl.

Ports: `vsctl add-port in pcap rx-pcap=FILE infinite-rx=1` and `add-port out null no-rx=1`.
With no rules vswitchd forwards by MAC learning: the capture's destination MAC is never seen
as a source, so every frame is flooded to the only other port, the L2 case.

Rate: the sink's txPackets from `vsctl --json port-stats out`.
Own cycles: `vsctl --json worker-stats`: delta busy cycles / delta received packets per window.
"""

import json
import os

from . import measurement as ms
from . import sizing
from .process import ManagedProcess, ProcessError, run_command

NAME = "vswitchd"


def binaries(bin_dir):
    return os.path.join(bin_dir, "vswitchd"), os.path.join(bin_dir, "vsctl")


def version(bin_dir):
    """`vswitchd --version`'s first line, or None when it is not built."""
    daemon, _ = binaries(bin_dir)
    if not os.access(daemon, os.X_OK):
        return None
    try:
        out = run_command([daemon, "--version"], timeout=10)
    except ProcessError:
        return None
    first = out.strip().splitlines()[0] if out.strip() else ""
    return first.removeprefix("vswitchd ").strip() or None


def _as_int(value):
    return int(value) if value not in (None, "") else 0


def _find_key(obj, key):
    """Every value stored under key anywhere in a decoded JSON document."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                yield v
            else:
                yield from _find_key(v, key)
    elif isinstance(obj, list):
        for item in obj:
            yield from _find_key(item, key)


class Vsctl:
    def __init__(self, binary, socket):
        self.binary = binary
        self.socket = socket

    def __call__(self, *args, json_output=False):
        argv = [self.binary, "--server", self.socket, "--timeout", "10"]
        if json_output:
            argv.append("--json")
        out = run_command(argv + list(args), timeout=20)
        if not json_output:
            return out
        try:
            return json.loads(out)
        except json.JSONDecodeError as e:
            raise ProcessError(f"vsctl --json {' '.join(args)} printed invalid JSON ({e}): "
                               f"{out[:200]!r}") from None

    def port_tx_packets(self, port):
        doc = self("port-stats", port, json_output=True)
        for entry in doc.get("ports", []):
            if entry.get("name") == port:
                # proto3 JSON leaves out zero counters.
                return _as_int(entry.get("counters", {}).get("txPackets"))
        raise ProcessError(f"vsctl port-stats {port}: port '{port}' missing from reply {doc}")

    def worker_cycles(self):
        """(busy cycles, received packets) summed over workers, or None if not reported."""
        doc = self("worker-stats", json_output=True)
        busy = list(_find_key(doc, "busyCycles"))
        packets = list(_find_key(doc, "rxPackets"))
        if not busy:
            return None
        return sum(_as_int(b) for b in busy), sum(_as_int(p) for p in packets)


def run(scenario, capture, ctx):
    m = ms.Measurement(NAME)
    daemon, cli = binaries(ctx.bin_dir)
    missing = [p for p in (daemon, cli) if not os.access(p, os.X_OK)]
    if missing:
        m.status = ms.STATUS_NOT_BUILT
        m.detail = f"vswitchd not built (missing {', '.join(missing)}; build the project first)"
        return m
    if scenario.pipeline != "l2":
        m.status, m.detail = ms.STATUS_NOT_APPLICABLE, f"no vswitchd setup for '{scenario.pipeline}'"
        return m
    private = ctx.private_dir(scenario, NAME)
    socket = os.path.join(private, "vswitchd.sock")
    mbufs = sizing.mbufs_for(scenario.frames)
    argv = [daemon, "--workers", "1", "--lcores", f"{ctx.main_lcore},{ctx.worker_lcore}",
            "--memory", str(sizing.memory_mb_for(mbufs)), "--mbufs", str(mbufs),
            # --in-memory keeps no DPDK runtime files, so it cannot collide with any other
            # process (vswitchd refuses --file-prefix together with it).
            "--in-memory",
            "--socket", socket, "--state-dir", "none"]
    proc = ManagedProcess(NAME, argv, ctx.log_path(scenario, NAME))
    m.command, m.log = proc.command, proc.log_path
    vsctl = Vsctl(cli, socket)
    try:
        proc.wait_for_line(lambda l: l.startswith("vswitchd: ready on unix:"), 60,
                           "'vswitchd: ready on unix:...'")
        vsctl("add-port", "in", "pcap", f"rx-pcap={capture}", "infinite-rx=1")
        vsctl("add-port", "out", "null", "no-rx=1")
        window_start = []

        def open_window():
            window_start[:] = [vsctl.worker_cycles()]

        def close_window():
            before, after = window_start[0], vsctl.worker_cycles()
            if before and after and after[1] > before[1]:
                return (after[0] - before[0]) / (after[1] - before[1])
            return None

        ctx.sleep(ctx.warmup)
        ws = ms.run_windows(ctx, proc.proc.pid, lambda: vsctl.port_tx_packets("out"),
                            open_window=open_window, close_window=close_window)
        ms.fill(m, ws, ctx.tsc_hz, "vsctl worker-stats: delta busyCycles / delta rxPackets "
                "(median window)")
        if m.status == ms.STATUS_OK and not ws.own_cycles:
            m.own_cycles_source = "vsctl worker-stats reported no busyCycles/rxPackets"
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        proc.stop()
    return m
