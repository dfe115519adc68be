#!/usr/bin/python3
"""Unit tests for the harness parts that need no DPDK: sizing, rates, reports, the checker."""

import json
import os
import sys
import tempfile
import unittest

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, os.path.join(BENCH_DIR, "tools"))

import check_results  # noqa: E402
from harness import measurement as ms  # noqa: E402
from harness import install, plots, report, sizing, vswitchd  # noqa: E402
from harness import scenarios as sc  # noqa: E402
from harness.scenarios import SCENARIOS  # noqa: E402

TSC_HZ = 2.0e9


def ok_row(name, mpps):
    m = ms.Measurement(name)
    ws = ms.WindowSet(traffic=[(int(mpps * 1e6), 1.0), (int(mpps * 1.1e6), 1.0)],
                      own_cycles=[100.0], shares=[0.5], steals=[0.0])
    ms.fill(m, ws, TSC_HZ, "test counters")
    return m


def doc_for(measurements):
    scenario = SCENARIOS["l2-1k"]
    entry = report.scenario_entry(scenario, "/tmp/x/" + scenario.capture_name(), measurements)
    facts = {"cpu_model": "test CPU", "cpu_mhz": 2000.0, "tsc_hz": TSC_HZ,
             "tsc_hz_source": "test", "cores": 2, "kernel": "k", "dpdk_version": "22.11",
             "ovs_version": "3.1.0", "testpmd": "/usr/bin/dpdk-testpmd",
             "hugepages": {"total": 1, "free": 1, "size_kb": 2048},
             "load_average_at_start": 0.0}
    settings = {"main_lcore": 0, "worker_lcore": 1, "warmup_s": 1, "windows": 2, "window_s": 1,
                "workdir": "/tmp/x"}
    return report.document("bench/run test", True, facts, settings, [entry])


class SizingTest(unittest.TestCase):
    def test_pool_holds_capture_and_in_flight(self):
        self.assertEqual(sizing.mbufs_for(1024), 1024 + sizing.IN_FLIGHT_MBUFS)

    def test_ovs_pool_is_one_of_its_halving_steps(self):
        self.assertEqual(sizing.ovs_pool_mbufs_for(1024), 32768)
        self.assertEqual(sizing.ovs_pool_mbufs_for(65536), 131072)
        self.assertEqual(sizing.ovs_pool_mbufs_for(200000), 262144)
        self.assertIsNone(sizing.ovs_pool_mbufs_for(1000000))

    def test_memory_never_below_default_and_grows_with_pool(self):
        self.assertEqual(sizing.memory_mb_for(17408), sizing.DEFAULT_MEMORY_MB)
        self.assertGreater(sizing.memory_mb_for(131072), 131072 * 2048 // (1 << 20))


class RatesTest(unittest.TestCase):
    def test_median_rate_and_cycles(self):
        m = ms.Measurement("x")
        ws = ms.WindowSet(traffic=[(10_000_000, 1.0), (20_000_000, 1.0), (30_000_000, 2.0)],
                          shares=[0.5, 0.5, 0.5])
        ms.fill(m, ws, TSC_HZ, "")
        self.assertEqual(m.status, ms.STATUS_OK)
        self.assertEqual(m.windows, [10.0, 20.0, 15.0])
        self.assertEqual(m.mpps, 15.0)
        self.assertEqual((m.mpps_min, m.mpps_max), (10.0, 20.0))
        self.assertAlmostEqual(m.cycles_per_packet_tsc, 133.3)
        self.assertEqual(m.mpps_alone_estimate, 30.0)
        self.assertIsNone(m.cycles_per_packet_own)

    def test_no_traffic_is_a_failure(self):
        m = ms.Measurement("x")
        ms.fill(m, ms.WindowSet(traffic=[(0, 1.0)]), TSC_HZ, "")
        self.assertEqual(m.status, ms.STATUS_FAILED)
        self.assertIsNone(m.mpps)


class ReportAndCheckerTest(unittest.TestCase):
    def test_complete_run_is_well_formed_with_ratios(self):
        doc = doc_for([ok_row("testpmd", 40.0), ok_row("ovs-dpdk", 10.0), ok_row("vswitchd", 20.0)])
        self.assertEqual(check_results.check(doc, ["l2-1k"]), [])
        rows = {r["contender"]: r for r in doc["scenarios"][0]["results"]}
        self.assertEqual([r["contender"] for r in doc["scenarios"][0]["results"]],
                         ["vswitchd", "ovs-dpdk", "testpmd"])
        self.assertAlmostEqual(rows["vswitchd"]["ratio_to_ovs"],
                               rows["vswitchd"]["mpps"] / rows["ovs-dpdk"]["mpps"], places=2)
        self.assertAlmostEqual(rows["vswitchd"]["ratio_to_testpmd"],
                               rows["vswitchd"]["mpps"] / rows["testpmd"]["mpps"], places=2)
        md = report.markdown(doc)
        self.assertIn("| l2-1k | vswitchd |", md)
        self.assertIn("test CPU", md)

    def test_unavailable_contenders_are_rows_with_reasons(self):
        missing = ms.Measurement("vswitchd", status=ms.STATUS_NOT_BUILT, detail="vswitchd not built")
        no_ovs = ms.Measurement("ovs-dpdk", status=ms.STATUS_NOT_INSTALLED, detail="not installed")
        doc = doc_for([ok_row("testpmd", 40.0), no_ovs, missing])
        self.assertEqual(check_results.check(doc, ["l2-1k"]), [])
        self.assertIn("not built: vswitchd not built", report.markdown(doc))
        self.assertIsNone(doc["scenarios"][0]["results"][0]["ratio_to_ovs"])

    def test_checker_rejects_failures_gaps_and_bad_ratios(self):
        failed = ms.Measurement("vswitchd", status=ms.STATUS_FAILED, detail="crashed")
        doc = doc_for([ok_row("testpmd", 40.0), ok_row("ovs-dpdk", 10.0), failed])
        self.assertTrue(any("crashed" in p for p in check_results.check(doc, ["l2-1k"])))

        doc = doc_for([ok_row("testpmd", 40.0), ok_row("ovs-dpdk", 10.0)])
        self.assertTrue(any("one per contender" in p for p in check_results.check(doc, [])))

        doc = doc_for([ok_row("testpmd", 40.0), ok_row("ovs-dpdk", 10.0), ok_row("vswitchd", 20.0)])
        doc["scenarios"][0]["results"][0]["ratio_to_ovs"] = 7.0
        self.assertTrue(any("ratio_to_ovs" in p for p in check_results.check(doc, [])))

        self.assertTrue(any("l2-64k missing" in p for p in check_results.check(doc, ["l2-64k"])))

    def test_written_files_round_trip(self):
        doc = doc_for([ok_row("testpmd", 40.0), ok_row("ovs-dpdk", 10.0), ok_row("vswitchd", 20.0)])
        with tempfile.TemporaryDirectory() as out:
            json_path, md_path = report.write(doc, out)
            with open(json_path) as f:
                self.assertEqual(check_results.check(json.load(f), ["l2-1k"]), [])
            self.assertGreater(os.path.getsize(md_path), 0)


def doc_of(scenario, measurements):
    entry = report.scenario_entry(scenario, None, measurements)
    doc = doc_for([])
    doc["scenarios"] = [entry]
    return doc


class ScenarioKindsTest(unittest.TestCase):
    def test_every_issue_scenario_is_there_and_sizes_apply(self):
        for name in ["l2-1k", "l2-64k", "l2-200k", "normal-64k", "rules1k-64k", "vxlan-decap-1k",
                     "vxlan-encap-64k", "install-100k", "install-1m", "vsbench-memif",
                     "pktgen-vhost"]:
            self.assertIn(name, SCENARIOS)
        big = SCENARIOS["l2-64k"].with_frame_size(1518)
        self.assertIn("--size", big.generator_args())
        self.assertEqual(big.generator_args()[big.generator_args().index("--size") + 1], "1518")
        self.assertTrue(big.capture_name().startswith("udp1518-65536flows"))
        self.assertNotIn("--flows", SCENARIOS["rules1k-64k"].generator_args())
        self.assertIn("--vxlan", SCENARIOS["vxlan-decap-1k"].generator_args())
        self.assertNotIn("--vxlan", SCENARIOS["vxlan-encap-1k"].generator_args())

    def test_install_row_checked_and_rendered(self):
        m = ms.Measurement("vswitchd")
        m.metrics = {"rules": 100000, "install_s": 0.5, "rules_per_s": 200000, "mpps_before": 10.0,
                     "mpps_during_install": 9.9, "mpps_after": 10.0, "change_call_ms": 3.0,
                     "change_effective_after_call_start_ms": 2.0,
                     "change_effective_after_return_ms": -1.0, "reinstall_s": 0.25}
        ovs = ms.Measurement("ovs-dpdk", status=ms.STATUS_SKIPPED, detail="left out")
        pmd = ms.Measurement("testpmd", status=ms.STATUS_NOT_APPLICABLE, detail="no rules")
        doc = doc_of(SCENARIOS["install-100k"], [pmd, ovs, m])
        self.assertEqual(check_results.check(doc, ["install-100k"]), [])
        md = report.markdown(doc)
        self.assertIn("| install-100k | vswitchd | 100000 | 0.50 | 200000 | 0.25 |", md)
        del m.metrics["install_s"]
        doc = doc_of(SCENARIOS["install-100k"], [pmd, ovs, m])
        self.assertTrue(any("install_s" in p for p in check_results.check(doc, [])))

    def test_vsbench_row_needs_ordered_latency(self):
        def row(name, lat):
            m = ms.Measurement(name, mpps=1.5)
            m.metrics = {"zero_loss_mpps": 1.5, "fixed_rate_mpps": 0.5,
                         "latency_min_us": lat[0], "latency_median_us": lat[1],
                         "latency_p99_us": lat[2], "latency_max_us": lat[3]}
            return m
        good = [row(n, (1, 2, 3, 4)) for n in ("testpmd", "ovs-dpdk", "vswitchd")]
        doc = doc_of(SCENARIOS["vsbench-memif"], good)
        self.assertEqual(check_results.check(doc, []), [])
        self.assertIn("zero-loss Mpps", report.markdown(doc))
        bad = good[:2] + [row("vswitchd", (1, 5, 3, 4))]
        self.assertTrue(any("latency" in p for p in check_results.check(doc_of(
            SCENARIOS["vsbench-memif"], bad), [])))

    def test_not_supported_yet_is_an_unavailable_status(self):
        rows = [ok_row("testpmd", 40.0), ok_row("ovs-dpdk", 4.0),
                ms.Measurement("vswitchd", status=ms.STATUS_NOT_SUPPORTED, detail="no tunnels")]
        doc = doc_of(SCENARIOS["vxlan-decap-1k"], rows)
        self.assertEqual(check_results.check(doc, []), [])
        self.assertIn("not supported yet: no tunnels", report.markdown(doc))

    def test_switch_over_time_interpolates_at_the_rate(self):
        # 10 Mpps; the old port got 25,000 more packets after the read at t=100 s: 2.5 ms.
        self.assertAlmostEqual(install.switch_over_time(100.0, 1000, 26000, 10e6), 100.0025)


class PlotsTest(unittest.TestCase):
    def test_flow_sweep_plot_written(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("python3-matplotlib not installed")
        entries = []
        for name, rates in (("l2-1k", (20, 10, 40)), ("l2-64k", (15, 6, 30))):
            ms_ = [ok_row("vswitchd", rates[0]), ok_row("ovs-dpdk", rates[1]),
                   ok_row("testpmd", rates[2])]
            entries.append(report.scenario_entry(SCENARIOS[name], "/x.pcap", ms_))
        doc = doc_for([])
        doc["scenarios"] = entries
        with tempfile.TemporaryDirectory() as out:
            files = [p["file"] for p in plots.write(doc, out)]
            self.assertIn("mpps-vs-flows.png", files)
            with open(os.path.join(out, "mpps-vs-flows.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


class VsctlJsonTest(unittest.TestCase):
    def test_finds_nested_keys(self):
        doc = {"workers": [{"busyCycles": "100", "rxPackets": "10"},
                           {"busyCycles": "50", "rxPackets": "5"}]}
        self.assertEqual([vswitchd._as_int(v) for v in vswitchd._find_key(doc, "busyCycles")],
                         [100, 50])
        self.assertEqual(vswitchd._as_int(None), 0)


if __name__ == "__main__":
    unittest.main()
