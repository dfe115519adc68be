"""Settings and places shared by every contender in one bench/run invocation."""

import os
import time


class RunContext:
    def __init__(self, workdir, bin_dir, tsc_hz, warmup, windows, window_seconds,
                 main_lcore=0, worker_lcore=1):
        self.workdir = workdir
        self.bin_dir = bin_dir
        self.tsc_hz = tsc_hz
        self.warmup = warmup
        self.windows = windows
        self.window_seconds = window_seconds
        self.main_lcore = main_lcore
        self.worker_lcore = worker_lcore
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
            "workdir": self.workdir,
        }
