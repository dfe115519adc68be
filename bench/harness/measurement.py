"""What one contender's run on one scenario produced, and the rate arithmetic shared by all.

Every contender is measured the same way: after a warm-up, the harness reads the sink port's
transmitted-packet counter at the start and end of each window and divides the delta by the
time between the two reads (each read is time-stamped at the midpoint of the call that made
it, so the latency of a CLI call cancels out). The reported rate is the median window.
"""

import dataclasses
import statistics
import time

STATUS_OK = "ok"
STATUS_NOT_INSTALLED = "not installed"
STATUS_NOT_BUILT = "not built"
STATUS_NOT_APPLICABLE = "not applicable"
STATUS_FAILED = "failed"

# Statuses that mean "this contender could not take part here", as opposed to a failure.
UNAVAILABLE_STATUSES = (STATUS_NOT_INSTALLED, STATUS_NOT_BUILT, STATUS_NOT_APPLICABLE)


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
    load_before: float | None = None     # 1-minute load average just before the run
    command: str = ""                    # how the contender was started
    log: str = ""                        # where its output went

    def to_json(self):
        return dataclasses.asdict(self)


class Sample:
    """One read of a monotonically growing packet counter, time-stamped at the call midpoint."""

    def __init__(self, read_counter):
        start = time.monotonic()
        self.count = read_counter()
        self.time = (start + time.monotonic()) / 2


def measure_windows(read_counter, windows, window_seconds):
    """Reads the counter windows+1 times, window_seconds apart; returns per-window (pkts, s)."""
    results = []
    previous = Sample(read_counter)
    for _ in range(windows):
        time.sleep(window_seconds)
        current = Sample(read_counter)
        results.append((current.count - previous.count, current.time - previous.time))
        previous = current
    return results


def median(values):
    return statistics.median(values) if values else None


def fill_rates(m, window_results, tsc_hz):
    """Sets the rate fields of m from (packets, seconds) windows; marks m failed on no traffic."""
    rates = [pkts / secs / 1e6 for pkts, secs in window_results if secs > 0]
    m.windows = [round(r, 3) for r in rates]
    m.packets = sum(p for p, _ in window_results)
    m.seconds = round(sum(s for _, s in window_results), 3)
    if not rates or m.packets <= 0:
        m.status = STATUS_FAILED
        m.detail = "no packets reached the sink during the measurement window"
        return
    m.mpps = round(statistics.median(rates), 3)
    m.mpps_min = round(min(rates), 3)
    m.mpps_max = round(max(rates), 3)
    if tsc_hz:
        m.cycles_per_packet_tsc = round(tsc_hz / (m.mpps * 1e6), 1)


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])
