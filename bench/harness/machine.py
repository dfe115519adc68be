"""Facts about the machine that go into every results header."""

import os
import platform
import re
import shutil
import subprocess

from . import ovs, vswitchd


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def cpu_model():
    m = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    return m.group(1).strip() if m else platform.processor() or "unknown"


def cpu_mhz():
    m = re.search(r"^cpu MHz\s*:\s*([\d.]+)$", _read("/proc/cpuinfo"), re.M)
    return float(m.group(1)) if m else None


def tsc_hz():
    """The TSC rate: what DPDK's rte_get_tsc_hz() and OVS's cycle counters count in.

    The kernel's calibrated value (dmesg "tsc: Refined/Detected ... MHz") is preferred; when the
    log is not readable, /proc/cpuinfo's "cpu MHz" is the same number on constant-TSC CPUs.
    """
    try:
        log = subprocess.run(["dmesg"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        log = ""
    found = re.findall(r"tsc: (?:Refined TSC clocksource calibration|Detected):? ([\d.]+) MHz", log)
    if found:
        return float(found[-1]) * 1e6, "kernel TSC calibration (dmesg)"
    mhz = cpu_mhz()
    if mhz:
        return mhz * 1e6, "/proc/cpuinfo cpu MHz"
    return None, "unknown"


def dpdk_version():
    try:
        out = subprocess.run(["pkg-config", "--modversion", "libdpdk"], capture_output=True,
                             text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except OSError:
        pass
    return "unknown"


def hugepages():
    info = _read("/proc/meminfo")
    total = re.search(r"^HugePages_Total:\s*(\d+)", info, re.M)
    free = re.search(r"^HugePages_Free:\s*(\d+)", info, re.M)
    size = re.search(r"^Hugepagesize:\s*(\d+) kB", info, re.M)
    return {
        "total": int(total.group(1)) if total else 0,
        "free": int(free.group(1)) if free else 0,
        "size_kb": int(size.group(1)) if size else 0,
    }


NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages"


def reserve_hugepages(need_mb):
    """Raises the default-size hugepage count until need_mb are free, if it can (root).
    Returns the previous total to give back with restore_hugepages, or None if nothing was
    changed. The kernel may grant fewer pages than asked (fragmented memory): the caller
    checks hugepages() again."""
    hp = hugepages()
    if hp["size_kb"] == 0:
        return None
    free_mb = hp["free"] * hp["size_kb"] // 1024
    if free_mb >= need_mb:
        return None
    missing_pages = -(-(need_mb - free_mb) * 1024 // hp["size_kb"])
    try:
        with open(NR_HUGEPAGES, "w") as f:
            f.write(str(hp["total"] + missing_pages))
    except OSError:
        return None
    return hp["total"]


def restore_hugepages(total):
    if total is None:
        return
    try:
        with open(NR_HUGEPAGES, "w") as f:
            f.write(str(total))
    except OSError:
        pass


def source_commit(repo_dir):
    """The checked-out commit of this repository (with "+dirty" for local changes)."""
    try:
        head = subprocess.run(["git", "-C", repo_dir, "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", repo_dir, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def facts(repo_dir, bin_dir):
    hz, hz_source = tsc_hz()
    return {
        "cpu_model": cpu_model(),
        "cpu_mhz": cpu_mhz(),
        "tsc_hz": hz,
        "tsc_hz_source": hz_source,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "dpdk_version": dpdk_version(),
        "ovs_version": ovs.version() or "not installed",
        "testpmd": shutil.which("dpdk-testpmd") or "not installed",
        "vswitchd_version": vswitchd.version(bin_dir) or "not built",
        "vswitch_commit": source_commit(repo_dir),
        "hugepages": hugepages(),
        "load_average_at_start": float(_read("/proc/loadavg").split()[0] or 0),
    }
