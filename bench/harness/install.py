"""Rule install rate and single-rule change latency, with traffic running.

Setup (same for OVS and vswitchd): port 1 replays the l2-1k capture, port 2 and port 3 are
null sinks; one rule `priority=1,in_port=1,actions=output:2` forwards everything to port 2.

1. Install: the scenario's rule file (100k or 1M distinct `nw_dst=` rules that the traffic
   never matches) in one batch: `ovs-ofctl --bundle add-flows` / `vsctl add-flows`. Reported:
   wall time of that command, rules per second, and the forwarding rate at port 2 before,
   during and after it ("forwarding unharmed" shows as equal rates).
2. Change latency: `add-flow priority=200,in_port=1,actions=output:3` moves all traffic to
   port 3. The moment it took effect is found from port 2's counter: it stops growing then,
   so t_switch = t(read before the call) + packets port 2 still got / the steady rate just
   measured. That resolves far below the few milliseconds a polled CLI read could; the
   result is given from the call's start and from its return (negative = the change was in
   force before the command returned, as it should be for a synchronous API). Port 3 must
   then be receiving and port 2 stopped, or the run fails.
3. Again: every rule is deleted (`del-flows`) and the same file installed once more, timed
   the same way. The first install runs on a fresh daemon and pays for first-touching the
   memory the rules need; on a VM every fresh page is a trap to the hypervisor, and zeroing
   huge pages the host has not backed yet runs at well under 1 GB/s, so a daemon that held
   as many rules before (the steady state of a host whose controller replaces its rules)
   installs measurably faster. Both are reported; neither is the other.
"""

import time

from . import measurement as ms
from . import ovs as ovs_mod
from . import sizing
from . import vswitchd as vs_mod
from .process import ProcessError

BASE_RULE = "priority=1,in_port=1,actions=output:2"
CHANGE_RULE = "priority=200,in_port=1,actions=output:3"
OUT, OUT2 = 2, 3


def switch_over_time(before_time, before_count, after_count, rate_pps):
    """When the old output stopped: the read before the change plus the time the packets it
    still received took at the steady rate."""
    return before_time + (after_count - before_count) / rate_pps


def _rate(read, seconds):
    packets, secs = ms.measure_window(read, seconds)
    return packets / secs if secs > 0 else 0.0


def measure(m, scenario, traffic, ctx, tx, install, add_flow, delete_all):
    """tx(port_number) reads a sink counter; install(path) adds the rule file; add_flow(text);
    delete_all() deletes every rule."""
    ctx.sleep(ctx.warmup)
    out = lambda: tx(OUT)  # noqa: E731
    before = _rate(out, ctx.window_seconds)
    if before <= 0:
        raise ProcessError("no traffic reached port 2 before the install")
    s0 = ms.Sample(out)
    start = time.monotonic()
    install(traffic.rules_file)
    seconds = time.monotonic() - start
    s1 = ms.Sample(out)
    during = (s1.count - s0.count) / (s1.time - s0.time)
    ctx.sleep(1.0)
    after = _rate(out, ctx.window_seconds)
    if after <= 0:
        raise ProcessError("no traffic reached port 2 after the install")

    c0 = ms.Sample(out)
    call_start = time.monotonic()
    add_flow(CHANGE_RULE)
    call_end = time.monotonic()
    ctx.sleep(1.0)
    c1 = ms.Sample(out)
    c2 = ms.Sample(out)
    moved = tx(OUT2)
    if moved <= 0:
        raise ProcessError("after the rule change no packet reached port 3")
    if c2.count != c1.count:
        raise ProcessError("after the rule change port 2 still receives packets")
    switch_time = switch_over_time(c0.time, c0.count, c1.count, after)
    delete_all()
    start = time.monotonic()
    install(traffic.rules_file)
    again_seconds = time.monotonic() - start
    m.metrics = {
        "rules": scenario.rules,
        "install_s": round(seconds, 3),
        "rules_per_s": round(scenario.rules / seconds) if seconds > 0 else None,
        "mpps_before": round(before / 1e6, 3),
        "mpps_during_install": round(during / 1e6, 3),
        "mpps_after": round(after / 1e6, 3),
        "change_call_ms": round((call_end - call_start) * 1e3, 2),
        "change_effective_after_call_start_ms": round((switch_time - call_start) * 1e3, 2),
        "change_effective_after_return_ms": round((switch_time - call_end) * 1e3, 2),
        "reinstall_s": round(again_seconds, 3),
    }


def run_ovs(scenario, traffic, ctx):
    m = ovs_mod.unavailable()
    if m:
        return m
    m = ms.Measurement(ovs_mod.NAME)
    if scenario.rules > 100000 and not ctx.ovs_install_1m:
        m.status = ms.STATUS_SKIPPED
        m.detail = ("OVS 1M-rule install left out to keep the run short (add --ovs-install-1m; "
                    "it needs about 1 GB and tens of seconds)")
        return m
    socket_mem = sizing.memory_mb_for(sizing.ovs_pool_mbufs_for(scenario.frames))
    ovs = ovs_mod.new_private_ovs(scenario, ctx)
    try:
        ovs.start(socket_mem)
        m.command = f"ovs-ofctl --bundle add-flows br0 {traffic.rules_file} (private OVS in {ovs.dir})"
        m.log = ovs.path("ovs-vswitchd.log")
        ovs.add_bridge(ovs_mod.BRIDGE)
        ovs.ofctl("add-flow", BASE_RULE)
        ovs.add_dpdk_port(ovs_mod.BRIDGE, "in", 1, ovs_mod.pcap_devargs(traffic.capture))
        ovs.add_dpdk_port(ovs_mod.BRIDGE, "out", OUT, "net_null0,no-rx=1")
        ovs.add_dpdk_port(ovs_mod.BRIDGE, "out2", OUT2, "net_null1,no-rx=1")
        measure(m, scenario, traffic, ctx, ovs.tx_packets,
                lambda path: ovs.ofctl("add-flows", path, options=["--bundle"], timeout=900),
                lambda rule: ovs.ofctl("add-flow", rule),
                lambda: ovs.ofctl("del-flows", timeout=900))
    except ProcessError as e:
        m.status = ms.STATUS_FAILED
        tail = ovs.log_tail()
        m.detail = str(e) + (f" | ovs-vswitchd.log: {tail}" if tail else "")
    finally:
        ovs.stop()
    return m


def run_vswitchd(scenario, traffic, ctx):
    m = vs_mod.unavailable(ctx)
    if m:
        return m
    m = ms.Measurement(vs_mod.NAME)
    if not vs_mod.has_flow_commands(ctx.bin_dir):
        m.status = ms.STATUS_NOT_SUPPORTED
        m.detail = "vsctl has no add-flow/add-flows yet (flow commands are being added)"
        return m
    vs = vs_mod.VswitchdProcess(scenario, ctx, sizing.mbufs_for(scenario.frames))
    m.command = f"vsctl add-flows {traffic.rules_file} ({vs.proc.command})"
    m.log = vs.proc.log_path
    names = {OUT: "out", OUT2: "out2"}
    try:
        vs.wait_ready()
        vs.vsctl("add-port", "in", "pcap", f"rx-pcap={traffic.capture}", "infinite-rx=1",
                 "admin=down")
        vs.vsctl("add-port", "out", "null", "no-rx=1")
        vs.vsctl("add-port", "out2", "null", "no-rx=1")
        vs.vsctl("add-flow", BASE_RULE)
        vs.vsctl("set-port", "in", "admin=up")
        measure(m, scenario, traffic, ctx, lambda port: vs.vsctl.port_tx_packets(names[port]),
                lambda path: vs.vsctl("add-flows", path, timeout=900),
                lambda rule: vs.vsctl("add-flow", rule),
                lambda: vs.vsctl("del-flows", timeout=900))
    except ProcessError as e:
        m.status, m.detail = ms.STATUS_FAILED, str(e)
    finally:
        vs.stop()
    return m


def run_testpmd(scenario, traffic, ctx):
    return ms.Measurement("testpmd", status=ms.STATUS_NOT_APPLICABLE,
                          detail="testpmd has no rules to install")
