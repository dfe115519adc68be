"""Settings and places shared by every contender in one bench/run invocation."""

import os
import time


class RunContext:
    def __init__(self, workdir, bin_dir, tsc_hz, warmup, windows, window_seconds,
                 main_lcore=0, worker_lcore=1, frame_size=64, ovs_install_1m=False,
                 vsbench_rate=0.5, vsbench_max_mpps=10.0, vsbench_trial=1.0,
                 vsbench_resolution=0.05, pktgen=None):
        self.workdir = workdir
        self.bin_dir = bin_dir
        self.tsc_hz = tsc_hz
        self.warmup = warmup
        self.windows = windows
        self.window_seconds = window_seconds
        self.main_lcore = main_lcore
        self.worker_lcore = worker_lcore
        self.frame_size = frame_size          # every scenario's frame size (--size)
        self.ovs_install_1m = ovs_install_1m  # also time OVS installing 1M rules
        self.vsbench_rate = vsbench_rate      # vsbench fixed-rate (latency) run, Mpps
        self.vsbench_max_mpps = vsbench_max_mpps
        self.vsbench_trial = vsbench_trial
        self.vsbench_resolution = vsbench_resolution
        self.pktgen = pktgen                  # pktgen binary, or None when not installed
        self._id = f"vsbench{os.getpid()}"

    def file_prefix(self, contender):
        """A DPDK --file-prefix no other process on the machine uses."""
        return f"{self._id}-{contender}"

    def log_dir(self, scenario):
        path = os.path.join(self.workdir, scenario.name)
        os.makedirs(path, exist_ok=True)
        return path

    def log_path(self, scenario, contender):
        return os.path.join(self.log_dir(scenario), f"{contender}.log")

    def private_dir(self, scenario, contender):
        path = os.path.join(self.log_dir(scenario), contender)
        os.makedirs(path, exist_ok=True)
        return path

    @staticmethod
    def sleep(seconds):
        time.sleep(seconds)

    def settings(self):
        return {
            "main_lcore": self.main_lcore,
            "worker_lcore": self.worker_lcore,
            "warmup_s": self.warmup,
            "windows": self.windows,
            "window_s": self.window_seconds,
            "frame_size": self.frame_size,
            "ovs_install_1m": self.ovs_install_1m,
            "vsbench_rate_mpps": self.vsbench_rate,
            "vsbench_max_mpps": self.vsbench_max_mpps,
            "vsbench_trial_s": self.vsbench_trial,
            "pktgen": self.pktgen or "not installed",
            "workdir": self.workdir,
        }
