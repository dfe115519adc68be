"""The pktgen scenario: pktgen-dpdk (range mode, bench/pktgen/vhost-range.lua) against each
contender's two vhost-user ports, only when a pktgen binary is installed.

pktgen is not packaged in Debian and cannot be downloaded on the machines this project is
built on, so this runner has not been run here (see bench/README.md, "pktgen"). Every
contender is the vhost-user server on two sockets (testpmd and OVS: net_vhost vdevs;
vswitchd: `vsctl add-port v0 vhost-user path=... mode=server`), pktgen attaches with
net_virtio_user through bench/pktgen/run-pktgen.sh and reports what came back per second.
"""

import os
import re
import shutil

from . import measurement as ms
from . import ovs as ovs_mod
from . import sizing
from . import testpmd as pmd_mod
from . import vswitchd as vs_mod
from .process import ProcessError, run_command

RUNNER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "pktgen", "run-pktgen.sh")


def find_pktgen(explicit):
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("pktgen")


def _not_installed(ctx, name):
    if not ctx.pktgen:
        return ms.Measurement(name, status=ms.STATUS_NOT_INSTALLED,
                              detail="pktgen not installed (not packaged in Debian; build "
                                     "23.06.x, see bench/README.md#pktgen, or pass --pktgen PATH)")
    return None


def _sockets(scenario, ctx, contender):
    d = ctx.private_dir(scenario, contender)
    return os.path.join(d, "v0.sock"), os.path.join(d, "v1.sock")


def _measure(m, scenario, ctx, sockets):
    result = os.path.join(ctx.log_dir(scenario), f"{m.contender}-pktgen.txt")
    seconds = max(2, int(ctx.windows * ctx.window_seconds))
    out = run_command([RUNNER, ctx.pktgen, sockets[0], sockets[1], result, str(seconds),
                       str(ctx.frame_size), "1024", f"{ctx.main_lcore},{ctx.worker_lcore}"],
                      timeout=seconds + 120)
    found = re.search(r"tx_pps=(\d+) rx_pps=(\d+)", out)
    if not found:
        raise ProcessError(f"pktgen result not understood: {out.strip()[:200]}")
    tx_pps, rx_pps = int(found.group(1)), int(found.group(2))
    if rx_pps <= 0:
        raise ProcessError(f"pktgen sent {tx_pps} pps and nothing came back")
    m.mpps = round(rx_pps / 1e6, 3)
    m.metrics = {"pktgen_tx_mpps": round(tx_pps / 1e6, 3), "pktgen_rx_mpps": m.mpps,
                 "seconds": seconds}


def run_testpmd(scenario, traffic, ctx):
    m = _not_installed(ctx, pmd_mod.NAME) or pmd_mod.unavailable()
    if m:
        return m
    m = ms.Measurement(pmd_mod.NAME)
    sockets = _sockets(scenario, ctx, pmd_mod.NAME)
    proc = None
    try:
        proc = pmd_mod.start(scenario, ctx, [f"net_vhost0,iface={sockets[0]}",
                                             f"net_vhost1,iface={sockets[1]}"], 32768)
        m.command, m.log = proc.command, proc.log_path
        _measure(m, scenario, ctx, sockets)
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        if proc:
            proc.stop(graceful_input="quit")
    return m


def run_ovs(scenario, traffic, ctx):
    m = _not_installed(ctx, ovs_mod.NAME) or ovs_mod.unavailable()
    if m:
        return m
    m = ms.Measurement(ovs_mod.NAME)
    sockets = _sockets(scenario, ctx, ovs_mod.NAME)
    ovs = ovs_mod.new_private_ovs(scenario, ctx)
    try:
        ovs.start(sizing.DEFAULT_MEMORY_MB)
        m.command, m.log = f"{ovs_mod.OVS_DPDK_VSWITCHD} (private OVS in {ovs.dir})", ovs.path("ovs-vswitchd.log")
        ovs.add_bridge(ovs_mod.BRIDGE)
        ovs.ofctl("add-flow", "in_port=1,actions=output:2")
        ovs.add_dpdk_port(ovs_mod.BRIDGE, "v0", 1, f"net_vhost0,iface={sockets[0]}")
        ovs.add_dpdk_port(ovs_mod.BRIDGE, "v1", 2, f"net_vhost1,iface={sockets[1]}")
        _measure(m, scenario, ctx, sockets)
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        ovs.stop()
    return m


def run_vswitchd(scenario, traffic, ctx):
    m = _not_installed(ctx, vs_mod.NAME) or vs_mod.unavailable(ctx)
    if m:
        return m
    m = ms.Measurement(vs_mod.NAME)
    sockets = _sockets(scenario, ctx, vs_mod.NAME)
    vs = vs_mod.VswitchdProcess(scenario, ctx, 32768)
    m.command, m.log = vs.proc.command, vs.proc.log_path
    try:
        vs.wait_ready()
        vs.vsctl("add-port", "v0", "vhost-user", f"path={sockets[0]}", "mode=server")
        vs.vsctl("add-port", "v1", "vhost-user", f"path={sockets[1]}", "mode=server")
        if vs_mod.has_flow_commands(ctx.bin_dir):
            vs.vsctl("add-flow", vs_mod.IN_PORT_RULE)
        _measure(m, scenario, ctx, sockets)
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        vs.stop()
    return m
