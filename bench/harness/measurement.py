"""What one contender's run on one scenario produced, and the rate arithmetic shared by all.

Every contender is measured the same way: after a warm-up, the harness reads the sink port's
transmitted-packet counter at the start and end of each window and divides the delta by the
time between the two reads (each read is time-stamped at the midpoint of the call that made
it, so the latency of a CLI call cancels out). The reported rate is the median window.
"""

import dataclasses
import os
import statistics
import time

STATUS_OK = "ok"
STATUS_NOT_INSTALLED = "not installed"
STATUS_NOT_BUILT = "not built"
STATUS_NOT_APPLICABLE = "not applicable"
STATUS_NOT_SUPPORTED = "not supported yet"  # the contender lacks the feature (e.g. tunnels)
STATUS_SKIPPED = "skipped"                    # left out on purpose (the detail says why)
STATUS_FAILED = "failed"

# Statuses that mean "this contender could not take part here", as opposed to a failure.
UNAVAILABLE_STATUSES = (STATUS_NOT_INSTALLED, STATUS_NOT_BUILT, STATUS_NOT_APPLICABLE,
                        STATUS_NOT_SUPPORTED, STATUS_SKIPPED)


@dataclasses.dataclass
class Measurement:
    contender: str
    status: str = STATUS_OK
    detail: str = ""                     # why it is not ok, or a remark
    mpps: float | None = None            # median window
    mpps_min: float | None = None
    mpps_max: float | None = None
    windows: list = dataclasses.field(default_factory=list)  # Mpps per window
    packets: int = 0                     # forwarded during all windows
    seconds: float = 0.0                 # total measured time
    cycles_per_packet_tsc: float | None = None   # TSC Hz / median pps (one busy core)
    cycles_per_packet_own: float | None = None   # the contender's own busy-cycle counters
    own_cycles_source: str = ""          # which counters gave cycles_per_packet_own
    core_share: float | None = None      # forwarding thread's CPU time / wall time (1.0 = alone)
    steal_share: float | None = None     # hypervisor steal on the forwarding core
    mpps_alone_estimate: float | None = None  # mpps / core_share: an estimate, not a measurement
    command: str = ""                    # how the contender was started
    log: str = ""                        # where its output went
    # Scenario-specific results: install (seconds, rules/s, Mpps during install, change
    # latency) and vsbench (zero-loss Mpps, latency percentiles); see harness/install.py and
    # harness/vsbench_driver.py.
    metrics: dict = dataclasses.field(default_factory=dict)

    def to_json(self):
        return dataclasses.asdict(self)


class Sample:
    """One read of a monotonically growing packet counter, time-stamped at the call midpoint."""

    def __init__(self, read_counter):
        start = time.monotonic()
        self.count = read_counter()
        self.time = (start + time.monotonic()) / 2


class CpuSnapshot:
    """CPU time of a contender's threads and of the forwarding core, to detect sharing.

    A poll-mode forwarding thread alone on its core uses 100% of it. On a shared machine
    (compilers, other benchmarks, hypervisor steal) it gets less, and its rate drops: the
    share is reported next to every rate so a low number can be told from a slow switch.
    """

    TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, pid, core):
        self.pid = pid
        self.core = core
        self.time = time.monotonic()
        self.threads = self._thread_ticks()
        self.core_ticks = self._core_ticks()

    def _thread_ticks(self):
        ticks = {}
        try:
            tids = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return ticks
        for tid in tids:
            try:
                with open(f"/proc/{self.pid}/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                ticks[tid] = int(fields[11]) + int(fields[12])  # utime + stime
            except (OSError, IndexError, ValueError):
                continue
        return ticks

    def _core_ticks(self):
        try:
            with open("/proc/stat") as f:
                for line in f:
                    if line.startswith(f"cpu{self.core} "):
                        values = [int(v) for v in line.split()[1:]]
                        return sum(values[:8]), values[7]  # total, steal
        except OSError:
            pass
        return None

    def since(self):
        """(busiest thread's share of one core, steal share of the core) since the snapshot."""
        elapsed = time.monotonic() - self.time
        now = self._thread_ticks()
        deltas = [now[t] - self.threads[t] for t in now if t in self.threads]
        share = max(deltas) / (elapsed * self.TICKS) if deltas and elapsed > 0 else None
        steal = None
        core_now = self._core_ticks()
        if core_now and self.core_ticks and core_now[0] > self.core_ticks[0]:
            steal = (core_now[1] - self.core_ticks[1]) / (core_now[0] - self.core_ticks[0])
        return share, steal


def measure_window(read_counter, window_seconds):
    """Reads the counter twice, window_seconds apart; returns (packets, seconds)."""
    first = Sample(read_counter)
    time.sleep(window_seconds)
    second = Sample(read_counter)
    return second.count - first.count, second.time - first.time


@dataclasses.dataclass
class WindowSet:
    traffic: list = dataclasses.field(default_factory=list)  # (packets, seconds) per window
    own_cycles: list = dataclasses.field(default_factory=list)
    shares: list = dataclasses.field(default_factory=list)
    steals: list = dataclasses.field(default_factory=list)


def run_windows(ctx, pid, read_counter, open_window=None, close_window=None):
    """ctx.windows measurement windows; close_window() may return the contender's own
    cycles/packet for the window just ended (open_window() resets those counters)."""
    ws = WindowSet()
    for _ in range(ctx.windows):
        if open_window:
            open_window()
        cpu = CpuSnapshot(pid, ctx.worker_lcore)
        ws.traffic.append(measure_window(read_counter, ctx.window_seconds))
        share, steal = cpu.since()
        if share is not None:
            ws.shares.append(share)
        if steal is not None:
            ws.steals.append(steal)
        if close_window:
            own = close_window()
            if own is not None:
                ws.own_cycles.append(own)
    return ws


def median(values):
    return statistics.median(values) if values else None


def fill(m, ws, tsc_hz, own_cycles_source):
    """Sets m's rate, cycle and sharing fields; marks m failed when nothing was forwarded."""
    rates = [pkts / secs / 1e6 for pkts, secs in ws.traffic if secs > 0]
    m.windows = [round(r, 3) for r in rates]
    m.packets = sum(p for p, _ in ws.traffic)
    m.seconds = round(sum(s for _, s in ws.traffic), 3)
    if ws.shares:
        m.core_share = round(median(ws.shares), 3)
    if ws.steals:
        m.steal_share = round(median(ws.steals), 3)
    if not rates or m.packets <= 0:
        m.status = STATUS_FAILED
        m.detail = "no packets reached the sink during the measurement windows"
        return
    m.mpps = round(median(rates), 3)
    m.mpps_min = round(min(rates), 3)
    m.mpps_max = round(max(rates), 3)
    if m.core_share:
        m.mpps_alone_estimate = round(m.mpps / m.core_share, 3)
    if tsc_hz:
        m.cycles_per_packet_tsc = round(tsc_hz / (m.mpps * 1e6), 1)
    if ws.own_cycles:
        m.cycles_per_packet_own = round(median(ws.own_cycles), 1)
        m.own_cycles_source = own_cycles_source
