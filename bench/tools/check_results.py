#!/usr/bin/python3
"""Checks that a bench/run results file is well formed: never how fast anything was.

  check_results.py RESULTS.json [--scenario NAME ...]

Asserts: the schema tag, the machine header, every requested scenario present, one row per
contender (vswitchd, ovs-dpdk, testpmd) in each, every row's status is known, an "ok" row has
what its scenario kind measures (replay: a positive rate with cycles/packet and windows;
generated: the switch's own cycles/packet and the capacity they give;
install: install time, rules/s and change latency; vsbench: latency percentiles in order and a
zero-loss rate; pktgen: a rate), an unavailable row says why, ratios are consistent with the
rates, and no row failed. Exits 0 when all hold, 1 listing every problem otherwise.
"""

import argparse
import json
import math
import sys

CONTENDERS = ["vswitchd", "ovs-dpdk", "testpmd"]
OK = "ok"
UNAVAILABLE = {"not installed", "not built", "not applicable", "not supported yet", "skipped"}
INSTALL_KEYS = ["install_s", "rules_per_s", "mpps_before", "mpps_during_install", "mpps_after",
                "change_call_ms", "change_effective_after_call_start_ms"]
MACHINE_KEYS = ["cpu_model", "tsc_hz", "cores", "dpdk_version", "ovs_version"]


def check_kind(where, kind, row):
    """What an ok row of this scenario kind must carry."""
    problems = []
    metrics = row.get("metrics") or {}
    if kind == "replay":
        if not (row.get("cycles_per_packet_tsc") or 0) > 0:
            problems.append(f"{where}: status ok but no cycles_per_packet_tsc")
        if not row.get("windows"):
            problems.append(f"{where}: status ok but no measurement windows")
    elif kind == "generated":
        if not (row.get("cycles_per_packet_own") or 0) > 0:
            problems.append(f"{where}: status ok but no cycles_per_packet_own")
        if not (metrics.get("capacity_mpps") or 0) > 0:
            problems.append(f"{where}: status ok but no capacity_mpps")
    elif kind == "install":
        missing = [k for k in INSTALL_KEYS if not isinstance(metrics.get(k), (int, float))]
        if missing:
            problems.append(f"{where}: install row lacks {missing}")
        elif not metrics["install_s"] > 0:
            problems.append(f"{where}: install_s is {metrics['install_s']}")
    elif kind == "vsbench":
        lat = [metrics.get(k) for k in ("latency_min_us", "latency_median_us", "latency_p99_us",
                                        "latency_max_us")]
        if not all(isinstance(v, (int, float)) and v > 0 for v in lat) or lat != sorted(lat):
            problems.append(f"{where}: latency not 0 < min <= median <= p99 <= max: {lat}")
        if not isinstance(metrics.get("zero_loss_mpps"), (int, float)):
            problems.append(f"{where}: no zero_loss_mpps")
    return problems


def check(doc, scenarios):
    problems = []
    if doc.get("schema") != "vswitch-bench/1":
        problems.append(f"schema is {doc.get('schema')!r}, expected 'vswitch-bench/1'")
    mach = doc.get("machine", {})
    for key in MACHINE_KEYS:
        if mach.get(key) in (None, ""):
            problems.append(f"machine.{key} missing")
    by_name = {s.get("name"): s for s in doc.get("scenarios", [])}
    for name in scenarios or list(by_name):
        sc = by_name.get(name)
        if sc is None:
            problems.append(f"scenario {name} missing")
            continue
        rows = {r.get("contender"): r for r in sc.get("results", [])}
        if sorted(rows) != sorted(CONTENDERS) or len(sc.get("results", [])) != len(CONTENDERS):
            problems.append(f"{name}: rows are {[r.get('contender') for r in sc.get('results', [])]}, "
                            f"expected one per contender {CONTENDERS}")
        kind = sc.get("kind", "replay")

        def compared(row):
            """What the ratios compare: capacities for generated traffic, else sink rates."""
            if kind == "generated":
                return (row.get("metrics") or {}).get("capacity_mpps") if row.get("status") == OK else None
            return row.get("mpps")
        ref = {c: compared(rows[c]) for c in ("ovs-dpdk", "testpmd") if c in rows}
        for contender, row in rows.items():
            where = f"{name}/{contender}"
            status = row.get("status")
            if status == OK:
                problems += check_kind(where, kind, row)
                mpps = row.get("mpps")
                if mpps is None and kind in ("install", "vsbench"):
                    continue
                if not isinstance(mpps, (int, float)) or not mpps > 0 or math.isinf(mpps):
                    problems.append(f"{where}: status ok but mpps is {mpps!r}")
                    continue
                value = compared(row)
                for key, ref_name in (("ratio_to_ovs", "ovs-dpdk"), ("ratio_to_testpmd", "testpmd")):
                    reference = ref.get(ref_name)
                    ratio = row.get(key)
                    if reference and value:
                        if ratio is None or abs(ratio - value / reference) > 0.01 * max(1, ratio):
                            problems.append(f"{where}: {key}={ratio!r} does not match "
                                            f"{value}/{reference}")
                    elif ratio is not None:
                        problems.append(f"{where}: {key}={ratio!r} without a {ref_name} rate")
            elif status in UNAVAILABLE:
                if not row.get("detail"):
                    problems.append(f"{where}: status '{status}' without a reason")
                if row.get("mpps") is not None:
                    problems.append(f"{where}: status '{status}' but has a rate")
            else:
                problems.append(f"{where}: status {status!r}: {row.get('detail', '')}")
    return problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("results")
    p.add_argument("--scenario", action="append", default=[])
    args = p.parse_args(argv)
    try:
        with open(args.results) as f:
            doc = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        print(f"check_results: cannot read {args.results}: {e}", file=sys.stderr)
        return 1
    problems = check(doc, args.scenario)
    for problem in problems:
        print(f"check_results: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_results: {args.results} is well formed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
