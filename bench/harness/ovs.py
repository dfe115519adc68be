"""Open vSwitch's DPDK datapath (Debian's openvswitch-switch-dpdk), run privately.

The harness never touches a system OVS: it creates a database in its own directory, starts
its own ovsdb-server and the DPDK build of ovs-vswitchd with --pidfile/--unixctl/--log-file
there, and points OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR/OVS_SYSCONFDIR at it, so even the bridges'
management sockets live there. Both daemons are children of the harness and stopped by PID.
The VXLAN scenarios need a kernel-visible bridge interface with the VTEP address (OVS's
userspace tunnels route through it): there ovs-vswitchd runs inside a network namespace the
harness creates and deletes, so the host's interfaces and routes are never touched.

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
from . import scenarios as sc
from . import sizing
from . import source as source_mod
from .process import ManagedProcess, ProcessError, run_command

NAME = "ovs-dpdk"
OVS_DPDK_VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
BRIDGE = "br0"
IN_OFPORT, OUT_OFPORT, OUT2_OFPORT = 1, 2, 3


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
    """ovsdb-server + ovs-vswitchd-dpdk living entirely in one directory (and, optionally,
    ovs-vswitchd in a network namespace of its own)."""

    def __init__(self, directory, log_dir, ctx, netns=None):
        self.dir = directory
        self.log_dir = log_dir
        self.ctx = ctx
        self.netns = netns
        os.makedirs(directory, exist_ok=True)
        self.env = dict(os.environ, OVS_RUNDIR=directory, OVS_DBDIR=directory,
                        OVS_LOGDIR=directory, OVS_SYSCONFDIR=directory)
        self.db_sock = os.path.join(directory, "db.sock")
        self.ovsdb = None
        self.vswitchd = None
        self.netns_created = False

    def path(self, name):
        return os.path.join(self.dir, name)

    def vsctl(self, *args, timeout=30):
        return run_command(["ovs-vsctl", f"--db=unix:{self.db_sock}", "--timeout", str(timeout),
                            *args], timeout=timeout + 5, env=self.env)

    def ofctl(self, command, *args, bridge=BRIDGE, timeout=30, options=()):
        """ovs-ofctl on a bridge's management socket in the private run directory."""
        return run_command(["ovs-ofctl", *options, command,
                            f"unix:{self.path(bridge + '.mgmt')}", *args],
                           env=self.env, timeout=timeout)

    def appctl(self, *args):
        return run_command(["ovs-appctl", "-t", self.path("ovs-vswitchd.ctl"), *args],
                           env=self.env)

    def in_netns(self, *argv):
        return run_command(["ip", "netns", "exec", self.netns, *argv])

    def start(self, socket_mem_mb):
        if self.netns:
            run_command(["ip", "netns", "add", self.netns])
            self.netns_created = True
            self.in_netns("ip", "link", "set", "lo", "up")
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
        prefix = ["ip", "netns", "exec", self.netns] if self.netns else []
        self.vswitchd = ManagedProcess("ovs-vswitchd", prefix + [
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
        if self.netns_created:
            run_command(["ip", "netns", "delete", self.netns], check=False)
            self.netns_created = False

    def log_tail(self, lines=5):
        try:
            with open(self.path("ovs-vswitchd.log")) as f:
                tail = [l.strip() for l in f.readlines() if "|ERR|" in l or "|EMER|" in l]
            return " / ".join(tail[-lines:])
        except OSError:
            return ""

    # -- bridges, ports, flows -------------------------------------------------------------

    def add_bridge(self, bridge, secure=True, hwaddr=None):
        """A userspace (netdev) bridge; secure = no implicit NORMAL flow."""
        args = ["add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev"]
        if secure:
            args.append("fail_mode=secure")
        if hwaddr:
            args.append(f"other-config:hwaddr={hwaddr}")
        self.vsctl(*args)
        if secure:
            self.ofctl("del-flows", bridge=bridge)

    def add_port(self, bridge, name, ofport, iface_type="dpdk", options=None):
        args = ["add-port", bridge, name, "--", "set", "Interface", name, f"type={iface_type}",
                f"ofport_request={ofport}"]
        args += [f"options:{k}={v}" for k, v in (options or {}).items()]
        self.vsctl(*args)
        err = self.vsctl("get", "Interface", name, "error").strip()
        if err and err != "[]":
            raise ProcessError(f"OVS interface '{name}': {err}")

    def add_dpdk_port(self, bridge, name, ofport, devargs):
        self.add_port(bridge, name, ofport, options={"dpdk-devargs": devargs})

    def tx_packets(self, ofport, bridge=BRIDGE):
        out = self.ofctl("dump-ports", str(ofport), bridge=bridge)
        found = re.search(r"tx pkts=(\d+)", out)
        if not found:
            raise ProcessError(f"no tx pkts in ovs-ofctl dump-ports output: {out.strip()}")
        return int(found.group(1))

    def pmd_cycles_per_packet(self):
        stats = self.appctl("dpif-netdev/pmd-stats-show")
        found = re.search(r"avg processing cycles per packet: ([\d.]+)", stats)
        return float(found.group(1)) if found else None

    def pool_mbufs(self, port):
        pool_info = self.appctl("netdev-dpdk/get-mempool-info", port)
        found = re.search(r"\bsize=(\d+)", pool_info)
        return int(found.group(1)) if found else None


def unavailable():
    """A Measurement saying why OVS cannot run here, or None when it can."""
    missing = missing_tools()
    if missing:
        return ms.Measurement(NAME, status=ms.STATUS_NOT_INSTALLED,
                              detail="Debian's openvswitch-switch-dpdk is not installed (missing: "
                                     + ", ".join(missing) + ")")
    return None


def pcap_devargs(capture):
    return f"net_pcap0,rx_pcap={capture},infinite_rx=1"


def setup_pipeline(ovs, scenario, traffic, src):
    """Builds the bridges, ports and rules for a replay scenario; returns (bridge, sink ofport).

    Rules go in before the ports, so no packet meets an empty table (fail_mode=secure: no
    implicit NORMAL flow)."""
    pipeline = scenario.pipeline
    if pipeline in ("l2", "normal", "rules1k"):
        ovs.add_bridge(BRIDGE)
        if pipeline == "l2":
            ovs.ofctl("add-flow", f"in_port={IN_OFPORT},actions=output:{OUT_OFPORT}")
        elif pipeline == "normal":
            ovs.ofctl("add-flow", "actions=NORMAL")
        else:
            ovs.ofctl("add-flows", traffic.rules_file, options=["--bundle"], timeout=120)
        ovs.add_dpdk_port(BRIDGE, "in", IN_OFPORT, src.dpdk_devargs())
        ovs.add_dpdk_port(BRIDGE, "out", OUT_OFPORT, "net_null0,no-rx=1")
        return BRIDGE, OUT_OFPORT
    if pipeline in ("vxlan-decap", "vxlan-encap"):
        return _setup_vxlan(ovs, scenario, traffic)
    raise ProcessError(f"no OVS setup for pipeline '{pipeline}'")


def _setup_vxlan(ovs, scenario, traffic):
    """OVS userspace tunnelling: br-int holds the VXLAN port, br-phy the underlay port and the
    VTEP address (on its LOCAL interface, inside OVS's network namespace)."""
    br_int, br_phy = "br-int", "br-phy"
    ovs.add_bridge(br_phy, secure=False, hwaddr=sc.LOCAL_VTEP_MAC)  # NORMAL switching
    ovs.add_bridge(br_int)
    ovs.in_netns("ip", "addr", "add", f"{sc.LOCAL_VTEP_IP}/24", "dev", br_phy)
    ovs.in_netns("ip", "link", "set", br_phy, "up")
    ovs.appctl("tnl/arp/set", br_phy, sc.REMOTE_VTEP_IP, sc.REMOTE_VTEP_MAC)
    vxlan = dict(remote_ip=sc.REMOTE_VTEP_IP, local_ip=sc.LOCAL_VTEP_IP, key=str(sc.VXLAN_VNI))
    if scenario.pipeline == "vxlan-decap":
        ovs.ofctl("add-flow", f"in_port={IN_OFPORT},actions=output:{OUT_OFPORT}", bridge=br_int)
        ovs.add_port(br_int, "vx0", IN_OFPORT, iface_type="vxlan", options=vxlan)
        ovs.add_dpdk_port(br_int, "out", OUT_OFPORT, "net_null0,no-rx=1")
        ovs.add_dpdk_port(br_phy, "in", IN_OFPORT, pcap_devargs(traffic.capture))
        return br_int, OUT_OFPORT
    ovs.ofctl("add-flow", f"in_port={IN_OFPORT},actions=output:{OUT_OFPORT}", bridge=br_int)
    ovs.add_port(br_int, "vx0", OUT_OFPORT, iface_type="vxlan", options=vxlan)
    ovs.add_dpdk_port(br_phy, "out", OUT_OFPORT, "net_null0,no-rx=1")
    ovs.add_dpdk_port(br_int, "in", IN_OFPORT, pcap_devargs(traffic.capture))
    return br_phy, OUT_OFPORT


def new_private_ovs(scenario, ctx, suffix=""):
    netns = None
    if scenario.pipeline.startswith("vxlan"):
        netns = f"{ctx.file_prefix('ovsns')}"
    return PrivateOvs(ctx.private_dir(scenario, NAME + suffix), ctx.log_dir(scenario), ctx, netns)


def run(scenario, traffic, ctx):
    """A replay scenario: Mpps at the sink, with OVS's own cycles per packet."""
    m = unavailable()
    if m:
        return m
    m = ms.Measurement(NAME)
    pool = sizing.ovs_pool_mbufs_for(scenario.frames)
    if pool is None:
        m.status = ms.STATUS_NOT_APPLICABLE
        m.detail = (f"{scenario.frames} frames do not fit OVS's mbuf pool (at most "
                    f"{sizing.OVS_MAX_MBUFS} mbufs); such flow counts need the generator")
        return m
    socket_mem = sizing.memory_mb_for(pool)
    ovs = new_private_ovs(scenario, ctx)
    src = source_mod.for_scenario(scenario, traffic, ctx, NAME)
    try:
        ovs.start(socket_mem)
        m.command = (f"{OVS_DPDK_VSWITCHD} (private ovsdb in {ovs.dir}; dpdk-socket-mem="
                     f"{socket_mem}, pmd-cpu-mask={1 << ctx.worker_lcore:#x}"
                     + (f", netns {ovs.netns}" if ovs.netns else "") + ")")
        m.log = ovs.path("ovs-vswitchd.log")
        bridge, sink = setup_pipeline(ovs, scenario, traffic, src)
        src.start()
        actual_pool = ovs.pool_mbufs("in")
        if actual_pool is not None and actual_pool < sizing.mbufs_for(scenario.frames):
            raise ProcessError(f"OVS made a {actual_pool}-mbuf pool, too small for "
                               f"{scenario.frames} replayed frames (dpdk-socket-mem too low)")
        ctx.sleep(ctx.warmup)
        ws = ms.run_windows(ctx, ovs.vswitchd.proc.pid, lambda: ovs.tx_packets(sink, bridge),
                            open_window=lambda: ovs.appctl("dpif-netdev/pmd-stats-clear"),
                            close_window=ovs.pmd_cycles_per_packet)
        ms.fill(m, ws, ctx.tsc_hz, "OVS dpif-netdev/pmd-stats-show: avg processing cycles "
                "per packet (median window)")
        m.detail = (f"OVS mbuf pool {actual_pool if actual_pool else 'unknown'} "
                    f"(dpdk-socket-mem {socket_mem} MB)")
        src.stop(m)
        source_mod.fill_capacity(m, ctx.tsc_hz)
    except ProcessError as e:
        m.status = ms.STATUS_FAILED
        tail = ovs.log_tail()
        m.detail = str(e) + (f" | ovs-vswitchd.log: {tail}" if tail else "")
    finally:
        src.abort()
        ovs.stop()
    return m
