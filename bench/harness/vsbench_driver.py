"""The vsbench scenario: the project's generator against each contender over two memif ports.

Each contender is the memif server on two ports (testpmd: io-forwarding between two
net_memif vdevs; OVS: two dpdk ports with net_memif devargs and in_port=1,actions=output:2;
vswitchd: `vsctl add-port m0/m1 memif ... role=server` and the in_port rule, or MAC learning
when vsctl has no flow commands yet). vsbench is the client on both, sends into port 1 and
receives from port 2:

1. a fixed-rate run (--vsbench-rate, default 0.5 Mpps): latency min / median / p99 / max;
2. an RFC 2544 search up to --vsbench-max-mpps: the highest zero-loss rate.

vsbench runs on the main lcore (core 0), which it shares with the contender's control
thread; the contender's forwarding core is core 1. On this 2-core machine the generator
limits the rates, so these rows are latency and zero-loss measurements; per-core peak
rates come from the replay scenarios.
"""

import json
import os
import time

from . import measurement as ms
from . import ovs as ovs_mod
from . import sizing
from . import testpmd as pmd_mod
from . import vswitchd as vs_mod
from .process import ProcessError, run_command

MBUFS = 32768


def vsbench_binary(ctx):
    path = os.path.join(ctx.bin_dir, "vsbench")
    return path if os.access(path, os.X_OK) else None


def _sockets(scenario, ctx, contender):
    d = ctx.private_dir(scenario, contender)
    return os.path.join(d, "m0.sock"), os.path.join(d, "m1.sock")


def _vsbench(ctx, sockets, extra, timeout, rx_queues):
    argv = [vsbench_binary(ctx), "--in-memory", "--lcore", str(ctx.main_lcore),
            "--log-level", "*:error",
            "--tx-dev", f"net_memif0,role=client,socket={sockets[0]},id=0",
            "--rx-dev", f"net_memif1,role=client,socket={sockets[1]},id=0",
            "--rx-queues", str(rx_queues),
            "--flows", "1024", "--size", str(ctx.frame_size), "--json", *extra]
    # A memif server may still be tearing down the previous client's connection when the
    # next vsbench connects ("start failed: Operation not permitted", seen with testpmd):
    # give it a moment, at most twice. Any other failure is final.
    for attempt in range(3):
        try:
            out = run_command(argv, timeout=timeout)
            break
        except ProcessError as e:
            if "start failed" not in str(e) or attempt == 2:
                raise
            time.sleep(1.0)
    try:
        return json.loads(out), argv
    except json.JSONDecodeError as e:
        raise ProcessError(f"vsbench printed invalid JSON ({e})") from None


def measure(m, ctx, sockets, pid, rx_queues=1):
    """Runs both vsbench passes against a started contender and fills m. rx_queues: memif
    receive queues vsbench asks for; a memif server only transmits on queues its client asked
    for, and refuses a client that asks for more than it has."""
    fixed, argv = _vsbench(ctx, sockets, ["--rate-mpps", str(ctx.vsbench_rate), "--warmup", "1",
                                          "--duration", str(max(2.0, ctx.window_seconds * 2))],
                           timeout=120, rx_queues=rx_queues)
    search, _ = _vsbench(ctx, sockets, ["--rfc2544", "--rate-mpps", str(ctx.vsbench_max_mpps),
                                        "--trial", str(ctx.vsbench_trial), "--warmup", "0.5",
                                        "--resolution-mpps", str(ctx.vsbench_resolution),
                                        "--max-trials", "12"], timeout=600, rx_queues=rx_queues)
    trial = fixed["trials"][0]
    result = search["rfc2544"]
    lat = trial["latency"]
    if trial["rx_probes"] <= 0:
        raise ProcessError(f"nothing came back at {ctx.vsbench_rate} Mpps "
                           f"(sent {trial['tx_attempted']})")
    m.mpps = result["throughput_mpps"] if result["throughput_mpps"] > 0 else None
    best = search["trials"][result["best_trial"]] if result["best_trial"] >= 0 else None
    m.metrics = {
        "zero_loss_mpps": result["throughput_mpps"],
        "search_max_mpps": result["max_mpps"],
        "search_trials": len(search["trials"]),
        "offered_mpps_at_best": best["offered_mpps"] if best else None,
        "fixed_rate_mpps": ctx.vsbench_rate,
        "fixed_offered_mpps": trial["offered_mpps"],
        "fixed_lost": trial["lost"],
        "fixed_sent": trial["tx_attempted"],
        "latency_min_us": round(lat["min_ns"] / 1e3, 2),
        "latency_median_us": round(lat["median_ns"] / 1e3, 2),
        "latency_p99_us": round(lat["p99_ns"] / 1e3, 2),
        "latency_max_us": round(lat["max_ns"] / 1e3, 2),
        "vsbench_command": " ".join(argv),
    }
    if m.mpps is None:
        m.detail = f"no rate down to {ctx.vsbench_resolution} Mpps was loss-free"


def _unavailable(ctx, name):
    if not vsbench_binary(ctx):
        return ms.Measurement(name, status=ms.STATUS_NOT_BUILT,
                              detail=f"vsbench not built ({ctx.bin_dir}/vsbench)")
    return None


def run_testpmd(scenario, traffic, ctx):
    m = _unavailable(ctx, pmd_mod.NAME) or pmd_mod.unavailable()
    if m:
        return m
    m = ms.Measurement(pmd_mod.NAME)
    sockets = _sockets(scenario, ctx, pmd_mod.NAME)
    proc = None
    try:
        proc = pmd_mod.start(scenario, ctx, [f"net_memif0,role=server,socket={sockets[0]},id=0",
                                             f"net_memif1,role=server,socket={sockets[1]},id=0"],
                             MBUFS)
        m.command, m.log = proc.command, proc.log_path
        measure(m, ctx, sockets, proc.proc.pid)
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        if proc:
            proc.stop(graceful_input="quit")
    return m


def run_ovs(scenario, traffic, ctx):
    m = _unavailable(ctx, ovs_mod.NAME) or ovs_mod.unavailable()
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
        ovs.add_dpdk_port(ovs_mod.BRIDGE, "m0", 1, f"net_memif0,role=server,socket={sockets[0]},id=0")
        ovs.add_dpdk_port(ovs_mod.BRIDGE, "m1", 2, f"net_memif1,role=server,socket={sockets[1]},id=0")
        # OVS transmits on one queue per thread: 2 here (the PMD and the main thread).
        measure(m, ctx, sockets, ovs.vswitchd.proc.pid, rx_queues=2)
    except ProcessError as e:
        m.status = ms.STATUS_FAILED
        tail = ovs.log_tail()
        m.detail = str(e) + (f" | ovs-vswitchd.log: {tail}" if tail else "")
    finally:
        ovs.stop()
    return m


def run_vswitchd(scenario, traffic, ctx):
    m = _unavailable(ctx, vs_mod.NAME) or vs_mod.unavailable(ctx)
    if m:
        return m
    m = ms.Measurement(vs_mod.NAME)
    sockets = _sockets(scenario, ctx, vs_mod.NAME)
    vs = vs_mod.VswitchdProcess(scenario, ctx, MBUFS)
    m.command, m.log = vs.proc.command, vs.proc.log_path
    try:
        vs.wait_ready()
        vs.vsctl("add-port", "m0", "memif", f"socket={sockets[0]}", "role=server", "id=0")
        vs.vsctl("add-port", "m1", "memif", f"socket={sockets[1]}", "role=server", "id=0")
        if vs_mod.has_flow_commands(ctx.bin_dir):
            vs.vsctl("add-flow", vs_mod.IN_PORT_RULE)
            remark = ""
        else:
            remark = "no flow commands in vsctl yet: MAC learning floods m0's frames to m1"
        measure(m, ctx, sockets, vs.pid)
        m.detail = "; ".join(x for x in (m.detail, remark) if x)
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        vs.stop()
    return m
