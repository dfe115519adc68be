"""Open vSwitch's DPDK datapath (Debian's openvswitch-switch-dpdk), run privately.

The harness never touches a system OVS: it creates a database in its own directory, starts
its own ovsdb-server and the DPDK build of ovs-vswitchd with --pidfile/--unixctl/--log-file
there, and points OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR/OVS_SYSCONFDIR at it, so even the bridge's
management socket lives there. Both daemons are children of the harness and stopped by PID.

Rate: the sink's tx counter from `ovs-ofctl dump-ports` (read live from the datapath; the
Interface statistics column in the database is only refreshed every 5 s).
Own cycles: `dpif-netdev/pmd-stats-show` "avg processing cycles per packet" (TSC cycles),
cleared at the start of every window.
"""

import os
import re
import shutil
import subprocess
import time

from . import measurement as ms
from . import sizing
from .process import ManagedProcess, ProcessError, run_command

NAME = "ovs-dpdk"
OVS_DPDK_VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
BRIDGE = "br0"
IN_OFPORT, OUT_OFPORT = 1, 2


def version():
    if not os.access(OVS_DPDK_VSWITCHD, os.X_OK):
        return None
    try:
        out = subprocess.run([OVS_DPDK_VSWITCHD, "--version"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"\(Open vSwitch\) (\S+)", out)
    dpdk = re.search(r"DPDK (\S+)", out)
    return (m.group(1) if m else out.strip()) + (f" (DPDK {dpdk.group(1)})" if dpdk else "")


def missing_tools():
    tools = ["ovsdb-tool", "ovsdb-server", "ovs-vsctl", "ovs-ofctl", "ovs-appctl"]
    missing = [t for t in tools if not shutil.which(t)]
    for path in (OVS_DPDK_VSWITCHD, OVS_SCHEMA):
        if not os.path.exists(path):
            missing.append(path)
    return missing


class PrivateOvs:
    """ovsdb-server + ovs-vswitchd-dpdk living entirely in one directory."""

    def __init__(self, directory, log_dir, ctx):
        self.dir = directory
        self.log_dir = log_dir
        self.ctx = ctx
        os.makedirs(directory, exist_ok=True)
        self.env = dict(os.environ, OVS_RUNDIR=directory, OVS_DBDIR=directory,
                        OVS_LOGDIR=directory, OVS_SYSCONFDIR=directory)
        self.db_sock = os.path.join(directory, "db.sock")
        self.ovsdb = None
        self.vswitchd = None

    def path(self, name):
        return os.path.join(self.dir, name)

    def vsctl(self, *args, timeout=30):
        return run_command(["ovs-vsctl", f"--db=unix:{self.db_sock}", "--timeout", str(timeout),
                            *args], timeout=timeout + 5, env=self.env)

    def ofctl(self, command, *args):
        """ovs-ofctl on the bridge's management socket in the private run directory."""
        return run_command(["ovs-ofctl", command, f"unix:{self.path(BRIDGE + '.mgmt')}", *args],
                           env=self.env)

    def appctl(self, *args):
        return run_command(["ovs-appctl", "-t", self.path("ovs-vswitchd.ctl"), *args],
                           env=self.env)

    def start(self, socket_mem_mb):
        run_command(["ovsdb-tool", "create", self.path("conf.db"), OVS_SCHEMA], env=self.env)
        self.ovsdb = ManagedProcess("ovsdb-server", [
            "ovsdb-server", self.path("conf.db"), f"--remote=punix:{self.db_sock}",
            f"--pidfile={self.path('ovsdb-server.pid')}",
            f"--unixctl={self.path('ovsdb-server.ctl')}",
            f"--log-file={self.path('ovsdb-server.log')}"],
            os.path.join(self.log_dir, "ovsdb-server.out"), env=self.env)
        self._wait_for_file(self.db_sock, self.ovsdb, 20)
        self.vsctl("--no-wait", "init")
        extra = f"--no-pci --file-prefix={self.ctx.file_prefix('ovs')}"
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".",
                   "other_config:dpdk-init=true",
                   f"other_config:dpdk-extra={extra}",
                   f"other_config:dpdk-socket-mem={socket_mem_mb}",
                   f"other_config:dpdk-socket-limit={socket_mem_mb}",
                   f"other_config:dpdk-lcore-mask={1 << self.ctx.main_lcore:#x}",
                   f"other_config:pmd-cpu-mask={1 << self.ctx.worker_lcore:#x}")
        self.vswitchd = ManagedProcess("ovs-vswitchd", [
            OVS_DPDK_VSWITCHD, f"unix:{self.db_sock}",
            f"--pidfile={self.path('ovs-vswitchd.pid')}",
            f"--unixctl={self.path('ovs-vswitchd.ctl')}",
            f"--log-file={self.path('ovs-vswitchd.log')}"],
            os.path.join(self.log_dir, "ovs-vswitchd.out"), env=self.env)
        # dpdk-init runs before the unixctl socket exists, so its presence means DPDK is up.
        self._wait_for_file(self.path("ovs-vswitchd.ctl"), self.vswitchd, 60)

    def _wait_for_file(self, path, proc, timeout):
        deadline = time.monotonic() + timeout
        while not os.path.exists(path):
            if not proc.running():
                raise ProcessError(f"{proc.name} exited (status {proc.proc.returncode}) during "
                                   f"start-up; see {self.log_dir}")
            if time.monotonic() > deadline:
                raise ProcessError(f"{proc.name} did not create {path} within {timeout} s")
            time.sleep(0.1)

    def stop(self):
        for proc in (self.vswitchd, self.ovsdb):
            if proc:
                proc.stop()

    def log_tail(self, lines=5):
        try:
            with open(self.path("ovs-vswitchd.log")) as f:
                tail = [l.strip() for l in f.readlines() if "|ERR|" in l or "|EMER|" in l]
            return " / ".join(tail[-lines:])
        except OSError:
            return ""


def run(scenario, capture, ctx):
    m = ms.Measurement(NAME)
    missing = missing_tools()
    if missing:
        m.status = ms.STATUS_NOT_INSTALLED
        m.detail = ("Debian's openvswitch-switch-dpdk is not installed (missing: "
                    + ", ".join(missing) + ")")
        return m
    if scenario.pipeline != "l2":
        m.status, m.detail = ms.STATUS_NOT_APPLICABLE, f"no OVS setup for '{scenario.pipeline}'"
        return m
    pool = sizing.ovs_pool_mbufs_for(scenario.frames)
    if pool is None:
        m.status = ms.STATUS_NOT_APPLICABLE
        m.detail = (f"{scenario.frames} frames do not fit OVS's mbuf pool (at most "
                    f"{sizing.OVS_MAX_MBUFS} mbufs); such flow counts need the generator")
        return m
    socket_mem = sizing.memory_mb_for(pool)
    ovs = PrivateOvs(ctx.private_dir(scenario, NAME), ctx.log_dir(scenario), ctx)
    try:
        ovs.start(socket_mem)
        m.command = (f"{OVS_DPDK_VSWITCHD} (private ovsdb in {ovs.dir}; dpdk-socket-mem="
                     f"{socket_mem}, pmd-cpu-mask={1 << ctx.worker_lcore:#x})")
        m.log = ovs.path("ovs-vswitchd.log")
        # The rule goes in before the ports, so no packet is dropped by an empty table
        # (fail_mode=secure: no implicit NORMAL flow).
        ovs.vsctl("add-br", BRIDGE, "--", "set", "bridge", BRIDGE, "datapath_type=netdev",
                  "fail_mode=secure")
        ovs.ofctl("del-flows")
        ovs.ofctl("add-flow", f"in_port={IN_OFPORT},actions=output:{OUT_OFPORT}")
        ovs.vsctl("add-port", BRIDGE, "in", "--", "set", "Interface", "in", "type=dpdk",
                  f"options:dpdk-devargs=net_pcap0,rx_pcap={capture},infinite_rx=1",
                  f"ofport_request={IN_OFPORT}")
        ovs.vsctl("add-port", BRIDGE, "out", "--", "set", "Interface", "out", "type=dpdk",
                  "options:dpdk-devargs=net_null0,no-rx=1", f"ofport_request={OUT_OFPORT}")
        for iface in ("in", "out"):
            err = ovs.vsctl("get", "Interface", iface, "error").strip()
            if err and err != "[]":
                raise ProcessError(f"OVS interface '{iface}': {err}")

        def sink_tx_packets():
            out = ovs.ofctl("dump-ports", str(OUT_OFPORT))
            found = re.search(r"tx pkts=(\d+)", out)
            if not found:
                raise ProcessError(f"no tx pkts in ovs-ofctl dump-ports output: {out.strip()}")
            return int(found.group(1))

        pool_info = ovs.appctl("netdev-dpdk/get-mempool-info", "in")
        found = re.search(r"\bsize=(\d+)", pool_info)
        actual_pool = int(found.group(1)) if found else None
        if actual_pool is not None and actual_pool < sizing.mbufs_for(scenario.frames):
            raise ProcessError(f"OVS made a {actual_pool}-mbuf pool, too small for "
                               f"{scenario.frames} replayed frames (dpdk-socket-mem too low)")

        def pmd_cycles_per_packet():
            stats = ovs.appctl("dpif-netdev/pmd-stats-show")
            found = re.search(r"avg processing cycles per packet: ([\d.]+)", stats)
            return float(found.group(1)) if found else None

        ctx.sleep(ctx.warmup)
        ws = ms.run_windows(ctx, ovs.vswitchd.proc.pid, sink_tx_packets,
                            open_window=lambda: ovs.appctl("dpif-netdev/pmd-stats-clear"),
                            close_window=pmd_cycles_per_packet)
        ms.fill(m, ws, ctx.tsc_hz, "OVS dpif-netdev/pmd-stats-show: avg processing cycles "
                "per packet (median window)")
        m.detail = (f"OVS mbuf pool {actual_pool if actual_pool else 'unknown'} "
                    f"(dpdk-socket-mem {socket_mem} MB)")
    except ProcessError as e:
        m.status = ms.STATUS_FAILED
        tail = ovs.log_tail()
        m.detail = str(e) + (f" | ovs-vswitchd.log: {tail}" if tail else "")
    finally:
        ovs.stop()
    return m
