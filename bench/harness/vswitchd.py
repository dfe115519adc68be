"""This project's vswitchd with one worker, driven through vsctl.

Ports are added in a fixed order, so their numbers are 1, 2, ... like OVS's ofports and the
same rule text works for both: `in` (pcap replay, port 1), `out` (null sink, port 2) and,
for the install scenarios, `out2` (port 3). The source port is added admin=down and only
brought up once the rules are in, so no packet meets an empty table.

Rate: the sink's txPackets from `vsctl --json port-stats out`.
Own cycles: `vsctl --json worker-stats`: delta busy cycles / delta received packets per window.
"""

import functools
import json
import os

from . import measurement as ms
from . import scenarios as sc
from . import sizing
from . import source as source_mod
from .process import ManagedProcess, ProcessError, run_command

NAME = "vswitchd"
IN_PORT_RULE = "in_port=1,actions=output:2"


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


@functools.lru_cache(maxsize=None)
def vsctl_commands(bin_dir):
    """The command names `vsctl --help` lists (empty when vsctl is not built)."""
    _, cli = binaries(bin_dir)
    if not os.access(cli, os.X_OK):
        return frozenset()
    try:
        out = run_command([cli, "--help"], timeout=10, check=False)
    except ProcessError:
        return frozenset()
    names = set()
    in_commands = False
    for line in out.splitlines():
        if line.strip() == "Commands:":
            in_commands = True
            continue
        if in_commands:
            if not line.startswith("  "):
                in_commands = False
                continue
            names.add(line.split()[0])
    return frozenset(names)


def has_flow_commands(bin_dir):
    return {"add-flow", "add-flows"} <= vsctl_commands(bin_dir)


def has_tunnels(bin_dir):
    return {"add-vni", "neigh-add"} <= vsctl_commands(bin_dir)


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

    def __call__(self, *args, json_output=False, timeout=10):
        argv = [self.binary, "--server", self.socket, "--timeout", str(timeout)]
        if json_output:
            argv.append("--json")
        out = run_command(argv + list(args), timeout=timeout + 10)
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


def unavailable(ctx):
    daemon, cli = binaries(ctx.bin_dir)
    missing = [p for p in (daemon, cli) if not os.access(p, os.X_OK)]
    if missing:
        return ms.Measurement(NAME, status=ms.STATUS_NOT_BUILT,
                              detail=f"vswitchd not built (missing {', '.join(missing)}; "
                                     "build the project first)")
    return None


class VswitchdProcess:
    """One vswitchd with one worker on ctx.worker_lcore, private socket, no state."""

    def __init__(self, scenario, ctx, mbufs):
        daemon, cli = binaries(ctx.bin_dir)
        private = ctx.private_dir(scenario, NAME)
        self.socket = os.path.join(private, "vswitchd.sock")
        argv = [daemon, "--workers", "1", "--lcores", f"{ctx.main_lcore},{ctx.worker_lcore}",
                "--memory", str(sizing.memory_mb_for(mbufs)), "--mbufs", str(mbufs),
                # --in-memory keeps no DPDK runtime files, so it cannot collide with any other
                # process (vswitchd refuses --file-prefix together with it).
                "--in-memory",
                "--socket", self.socket, "--state-dir", "none"]
        self.proc = ManagedProcess(NAME, argv, ctx.log_path(scenario, NAME))
        self.vsctl = Vsctl(cli, self.socket)

    def wait_ready(self):
        self.proc.wait_for_line(lambda l: l.startswith("vswitchd: ready on unix:"), 60,
                                "'vswitchd: ready on unix:...'")

    @property
    def pid(self):
        return self.proc.proc.pid

    def stop(self):
        self.proc.stop()


def setup_pipeline(vs, scenario, traffic, bin_dir, src=None):
    """Ports and rules for a replay or generated scenario (src: its source.PcapSource or
    VsbenchSource). Returns a remark for the results, or raises Unsupported when vswitchd
    cannot do this pipeline yet."""
    pipeline = scenario.pipeline
    flows = has_flow_commands(bin_dir)
    if pipeline.startswith("vxlan"):
        if not (has_tunnels(bin_dir) and flows):
            raise Unsupported("VXLAN needs vsctl's add-vni/neigh-add and add-flow")
        _setup_vxlan(vs, pipeline, traffic.capture)
        return ""
    if pipeline == "rules1k" and not flows:
        raise Unsupported("vsctl has no add-flows yet (flow commands are being added)")
    vs.vsctl("add-port", "in", *src.vsctl_port(), "admin=down")
    vs.vsctl("add-port", "out", "null", "no-rx=1")
    remark = ""
    if pipeline == "l2":
        if flows:
            vs.vsctl("add-flow", IN_PORT_RULE)
        else:
            remark = ("no flow commands in vsctl yet: MAC learning floods every frame to the only "
                      "other port instead of the in_port rule")
    elif pipeline == "rules1k":
        vs.vsctl("add-flows", traffic.rules_file, timeout=120)
    vs.vsctl("set-port", "in", "admin=up")
    return remark


def _setup_vxlan(vs, pipeline, capture):
    """The topology OVS gets (ovs.py _setup_vxlan): the underlay port carries VTEP vx0 with the
    local address; the remote VTEP's MAC is a static neighbour (OVS: tnl/arp/set); one in_port
    rule joins vx0 and the local port, in the direction the scenario measures."""
    vtep = [f"local-ip={sc.LOCAL_VTEP_IP}", f"remote-ip={sc.REMOTE_VTEP_IP}", f"key={sc.VXLAN_VNI}"]
    vs.vsctl("add-vni", str(sc.VXLAN_VNI), sc.REMOTE_VTEP_IP)
    vs.vsctl("neigh-add", sc.REMOTE_VTEP_IP, sc.REMOTE_VTEP_MAC)
    vs.vsctl("add-port", "in", "pcap", f"rx-pcap={capture}", "infinite-rx=1", "admin=down")
    vs.vsctl("add-port", "out", "null", "no-rx=1")
    if pipeline == "vxlan-decap":   # VXLAN replayed on the uplink "in", inner frames to "out"
        vs.vsctl("add-port", "vx0", "vxlan", "uplink=in", *vtep)
        vs.vsctl("add-flow", "in_port=vx0,actions=output:out")
    else:                           # plain frames on "in", encapsulated out of the uplink "out"
        vs.vsctl("add-port", "vx0", "vxlan", "uplink=out", *vtep)
        vs.vsctl("add-flow", "in_port=in,actions=output:vx0")
    vs.vsctl("set-port", "in", "admin=up")


class Unsupported(Exception):
    pass


def run(scenario, traffic, ctx):
    m = unavailable(ctx)
    if m:
        return m
    m = ms.Measurement(NAME)
    vs = None
    src = source_mod.for_scenario(scenario, traffic, ctx, NAME)
    try:
        if ((scenario.pipeline.startswith("vxlan") and not (has_tunnels(ctx.bin_dir) and has_flow_commands(ctx.bin_dir)))
                or (scenario.pipeline == "rules1k" and not has_flow_commands(ctx.bin_dir))):
            setup_pipeline(None, scenario, traffic, ctx.bin_dir)  # raises Unsupported
        vs = VswitchdProcess(scenario, ctx, sizing.mbufs_for(scenario.frames))
        m.command, m.log = vs.proc.command, vs.proc.log_path
        vs.wait_ready()
        m.detail = setup_pipeline(vs, scenario, traffic, ctx.bin_dir, src)
        src.start()
        window_start = []

        def open_window():
            window_start[:] = [vs.vsctl.worker_cycles()]

        def close_window():
            before, after = window_start[0], vs.vsctl.worker_cycles()
            if before and after and after[1] > before[1]:
                return (after[0] - before[0]) / (after[1] - before[1])
            return None

        ctx.sleep(ctx.warmup)
        ws = ms.run_windows(ctx, vs.pid, lambda: vs.vsctl.port_tx_packets("out"),
                            open_window=open_window, close_window=close_window)
        ms.fill(m, ws, ctx.tsc_hz, "vsctl worker-stats: delta busyCycles / delta rxPackets "
                "(median window)")
        if m.status == ms.STATUS_OK and not ws.own_cycles:
            m.own_cycles_source = "vsctl worker-stats reported no busyCycles/rxPackets"
        src.stop(m)
        source_mod.fill_capacity(m, ctx.tsc_hz)
    except Unsupported as e:
        m.status, m.detail = ms.STATUS_NOT_SUPPORTED, str(e)
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        src.abort()
        if vs:
            vs.stop()
    return m
