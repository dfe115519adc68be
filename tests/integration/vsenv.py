"""vsenv: the shared harness of vswitch's real-port integration tests.

Every integration test builds a small world out of real kernel objects: network namespaces
("containers") attached to veth pairs, a vswitchd started with private runtime files, and
sometimes a dpdk-testpmd acting as a container's DPDK application. This module creates those
objects with names unique to one test process and removes them again, whatever happens:

  * names carry the test's PID ("vsit<pid>x"), so parallel tests never collide and a later
    run can recognise (and delete) what a killed run left behind;
  * every child process gets PR_SET_PDEATHSIG, so a test killed by ctest's timeout (SIGKILL,
    no finally blocks run) does not leave a DPDK process polling a core;
  * cleanup runs from `finally`, from atexit and from SIGTERM/SIGINT handlers.

Python standard library only, run with Debian's /usr/bin/python3.
Exit codes follow ctest's conventions: 0 pass, 1 fail, 77 skipped (not root, missing tool).
"""

import atexit
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))

# DPDK processes started by a test share the machine with other tests and users.
DPDK_MEMORY_MB = 256


class TestFailure(Exception):
    """A check of the behaviour under test did not hold."""


class TestSkip(Exception):
    """The test cannot run here (a prerequisite is missing); it is reported, not passed."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd, check_rc=True, timeout=60, input_text=None):
    """Runs a command, returns CompletedProcess with text output; raises on failure."""
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input_text)
    if check_rc and result.returncode != 0:
        raise TestFailure(
            f"command failed (exit {result.returncode}): {' '.join(cmd)}\n"
            f"stdout: {result.stdout.strip()}\nstderr: {result.stderr.strip()}")
    return result


def _set_pdeathsig():
    # Runs in the child between fork and exec: the child gets SIGTERM when the test dies.
    PR_SET_PDEATHSIG = 1
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def collect_stale_objects():
    """Deletes namespaces left by earlier test processes that no longer exist."""
    listing = run(["ip", "netns", "list"], check_rc=False).stdout
    for line in listing.splitlines():
        m = re.match(r"^(vsit(\d+)\S*)", line.strip())
        if m and not _pid_alive(int(m.group(2))):
            run(["ip", "netns", "delete", m.group(1)], check_rc=False)
    links = run(["ip", "-o", "link", "show"], check_rc=False).stdout
    for m in re.finditer(r"^\d+: (vsit(\d+)[a-z0-9]*)[@:]", links, re.M):
        if not _pid_alive(int(m.group(2))):
            run(["ip", "link", "delete", m.group(1)], check_rc=False)


class Process:
    """A child process whose output is collected by a thread (so a chatty child never blocks)."""

    def __init__(self, name, cmd, log_path, env=None, keep_stdin=True):
        self.name = name
        self.cmd = cmd
        self.lines = []
        self._cond = threading.Condition()
        self._log = open(log_path, "w", buffering=1)
        self._log.write("$ " + " ".join(cmd) + "\n")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE if keep_stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            preexec_fn=_set_pdeathsig, env=env)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self._log.write(line)
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def output(self):
        with self._cond:
            return "\n".join(self.lines)

    def wait_for_line(self, pattern, timeout):
        """Returns the first output line matching the regex; fails if the process exits first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines:
                    if regex.search(line):
                        return line
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise TestFailure(
                        f"{self.name} exited with code {self.proc.returncode} before printing "
                        f"/{pattern}/; its output:\n{self.output_unlocked()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TestFailure(
                        f"{self.name} did not print /{pattern}/ within {timeout}s; its output:\n"
                        f"{self.output_unlocked()}")
                self._cond.wait(min(remaining, 0.2))

    def output_unlocked(self):
        return "\n".join(self.lines)

    def send(self, text):
        if self.proc.stdin and self.proc.poll() is None:
            try:
                self.proc.stdin.write(text)
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass

    def running(self):
        return self.proc.poll() is None

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL; returns the exit code. Safe to call again."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._reader.join(5)
        self._log.close()
        return self.proc.returncode


class Container:
    """A network namespace with one veth pair: `eth0` inside, `host_if` in the host namespace."""

    def __init__(self, env, letter, ip, mac, prefix_len=24):
        self.env = env
        self.letter = letter
        self.netns = f"{env.tag}{letter}"
        self.host_if = f"{env.tag}{letter}"  # <= 15 characters: 'vsit' + pid + letter
        self.ifname = "eth0"
        self.ip = ip
        self.mac = mac
        self.prefix_len = prefix_len

    def create(self):
        run(["ip", "netns", "add", self.netns])
        self.env.namespaces.append(self.netns)
        run(["ip", "link", "add", self.host_if, "type", "veth", "peer", "name", self.ifname,
             "netns", self.netns])
        self.env.links.append(self.host_if)
        # IPv6 off on both ends: no router solicitations or MLD reports, so the counters a test
        # reads contain only the traffic it sent (plus ARP).
        self._disable_ipv6_host(self.host_if)
        self.exec(["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
        self.exec(["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"])
        self.exec(["ip", "link", "set", "lo", "up"])
        self.exec(["ip", "link", "set", self.ifname, "address", self.mac])
        self.exec(["ip", "addr", "add", f"{self.ip}/{self.prefix_len}", "dev", self.ifname])
        self.exec(["ip", "link", "set", self.ifname, "up"])
        run(["ip", "link", "set", self.host_if, "up"])
        # A TCP peer behind a virtual port must see finished checksums (see the notes file).
        self.exec(["ethtool", "-K", self.ifname, "tx", "off"], check_rc=False)
        return self

    @staticmethod
    def _disable_ipv6_host(ifname):
        path = f"/proc/sys/net/ipv6/conf/{ifname}/disable_ipv6"
        if os.path.exists(path):
            with open(path, "w") as f:
                f.write("1")

    def exec(self, cmd, check_rc=True, timeout=60, input_text=None):
        return run(["ip", "netns", "exec", self.netns] + cmd, check_rc=check_rc, timeout=timeout,
                   input_text=input_text)

    def ping(self, ip, count=5, interval=0.2, deadline=None):
        """Pings and returns (received, output); never raises on loss."""
        deadline = deadline or int(count * interval + 10)
        r = self.exec(["ping", "-n", "-c", str(count), "-i", str(interval), "-W", "2",
                       "-w", str(deadline), ip], check_rc=False, timeout=deadline + 10)
        m = re.search(r"(\d+) received", r.stdout)
        return (int(m.group(1)) if m else 0), r.stdout + r.stderr

    def ping_until_reachable(self, ip, timeout=20):
        """Waits until one ping gets through (a new port needs a moment to start polling)."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            got, last = self.ping(ip, count=1, deadline=2)
            if got:
                return
        raise TestFailure(f"{self.netns}: {ip} not reachable within {timeout}s:\n{last}")

    def flush_neigh(self):
        self.exec(["ip", "neigh", "flush", "dev", self.ifname], check_rc=False)


class Env:
    """One test's world: containers, vswitchd instances, helper processes, a temp dir."""

    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        self.vswitchd_bin = os.path.join(bin_dir, "vswitchd")
        self.vsctl_bin = os.path.join(bin_dir, "vsctl")
        self.tag = f"vsit{os.getpid()}"
        self.tmp = tempfile.mkdtemp(prefix="vswitch-it-")
        self.namespaces = []
        self.links = []
        self.processes = []
        self.socket = None
        self._cleaned = False
        self._file_prefix_counter = 0
        collect_stale_objects()
        atexit.register(self.cleanup)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, frame):
        self.cleanup()
        sys.exit(128 + signum)

    # -- containers -------------------------------------------------------------------------

    def container(self, letter, ip, mac=None):
        mac = mac or "02:00:%02x:%02x:00:%02x" % ((os.getpid() >> 8) & 0xff, os.getpid() & 0xff,
                                                ord(letter))
        return Container(self, letter, ip, mac).create()

    # -- processes --------------------------------------------------------------------------

    def file_prefix(self, what):
        self._file_prefix_counter += 1
        return f"{self.tag}{what}{self._file_prefix_counter}"

    def start_process(self, name, cmd, env=None):
        p = Process(name, cmd, os.path.join(self.tmp, f"{name}.log"), env=env)
        self.processes.append(p)
        return p

    def require_binaries(self):
        for path in (self.vswitchd_bin, self.vsctl_bin):
            check(os.access(path, os.X_OK),
                  f"{path} is missing: build the project first (cmake --build <builddir>)")

    def vswitchd_args(self, socket_path, extra=()):
        """vswitchd's command line for tests; an option in `extra` replaces the default one."""
        defaults = [("--in-memory", None), ("--memory", str(DPDK_MEMORY_MB)), ("--workers", "1"),
                    ("--socket", socket_path), ("--state-dir", "none"), ("--idle-sleep-us", "10"),
                    ("--mbufs", "16384")]
        cmd = [self.vswitchd_bin]
        for option, value in defaults:
            if option not in extra:
                cmd += [option] if value is None else [option, value]
        return cmd + list(extra)

    def start_vswitchd(self, extra=(), socket_path=None, name="vswitchd", ready_timeout=60):
        """Starts vswitchd and waits for its ready line; the first one becomes the default."""
        self.require_binaries()
        socket_path = socket_path or os.path.join(self.tmp, f"{name}.sock")
        p = self.start_process(name, self.vswitchd_args(socket_path, extra))
        line = p.wait_for_line(r"vswitchd: ready on unix:", ready_timeout)
        check(socket_path in line, f"ready line names another socket: {line!r}")
        p.socket = socket_path
        if self.socket is None:
            self.socket = socket_path
        log(f"{name} pid {p.pid} ready on {socket_path}")
        return p

    def vsctl(self, *args, check_rc=True, socket_path=None, timeout=30):
        cmd = [self.vsctl_bin, "--server", socket_path or self.socket, *args]
        r = run(cmd, check_rc=False, timeout=timeout)
        if check_rc and r.returncode != 0:
            raise TestFailure(f"vsctl {' '.join(args)} exited {r.returncode}: "
                              f"{r.stderr.strip()} {r.stdout.strip()}")
        return r

    def vsctl_json(self, *args, socket_path=None):
        r = self.vsctl("--json", *args, socket_path=socket_path)
        try:
            return json.loads(r.stdout) if r.stdout.strip() else {}
        except json.JSONDecodeError as e:
            raise TestFailure(f"vsctl --json {' '.join(args)} printed invalid JSON ({e}):\n{r.stdout}")

    # -- switch state -----------------------------------------------------------------------

    def port_counters(self, socket_path=None):
        """{port name: {'rx_packets': n, 'tx_packets': n, 'rx_bytes': n, 'tx_bytes': n, 'drops': {}}}"""
        reply = self.vsctl_json("port-stats", socket_path=socket_path)
        result = {}
        for port in reply.get("ports", []):
            c = port.get("counters", {})
            result[port["name"]] = {
                "rx_packets": int(c.get("rxPackets", 0)),
                "tx_packets": int(c.get("txPackets", 0)),
                "rx_bytes": int(c.get("rxBytes", 0)),
                "tx_bytes": int(c.get("txBytes", 0)),
                "drops": {d["name"]: int(d.get("value", 0)) for d in c.get("drops", [])},
            }
        return result

    def stable_port_counters(self, socket_path=None, attempts=10):
        """Counters read twice in a row with the same values: nothing in flight between them."""
        previous = self.port_counters(socket_path)
        for _ in range(attempts):
            time.sleep(0.3)
            current = self.port_counters(socket_path)
            if current == previous:
                return current
            previous = current
        return previous

    def fdb(self, socket_path=None):
        """List of {'vlan', 'mac', 'port', 'static', 'age'} from fdb-show."""
        reply = self.vsctl_json("fdb-show", socket_path=socket_path)
        return [{"vlan": int(e.get("vlan", 0)), "mac": e.get("mac", "").lower(),
                 "port": e.get("port", ""), "static": bool(e.get("isStatic", False)),
                 "age": int(e.get("ageSeconds", 0))}
                for e in reply.get("entries", [])]

    def wait_fdb(self, predicate, timeout=10, what="FDB condition"):
        """Polls fdb-show until predicate(entries) holds (learning is asynchronous)."""
        deadline = time.monotonic() + timeout
        entries = []
        while time.monotonic() < deadline:
            entries = self.fdb()
            if predicate(entries):
                return entries
            time.sleep(0.2)
        raise TestFailure(f"{what} not reached within {timeout}s; fdb-show: {entries}")

    def add_port(self, name, ptype, *options):
        self.vsctl("add-port", name, ptype, *options)
        log(f"added port {name} ({ptype} {' '.join(options)})")

    # -- cleanup ----------------------------------------------------------------------------

    def cleanup(self):
        if self._cleaned:
            return
        self._cleaned = True
        for p in reversed(self.processes):
            try:
                rc = p.stop()
                if rc not in (0, None, -signal.SIGTERM):
                    log(f"{p.name} (pid {p.pid}) exited with {rc}")
            except Exception as e:  # keep cleaning up the rest
                log(f"stopping {p.name}: {e}")
        for ns in reversed(self.namespaces):
            run(["ip", "netns", "delete", ns], check_rc=False)
        for link in self.links:
            # Normally gone with its namespace peer; delete by name in case it was moved.
            if os.path.exists(f"/sys/class/net/{link}"):
                run(["ip", "link", "delete", link], check_rc=False)
        if os.environ.get("VSWITCH_IT_KEEP_LOGS"):
            log(f"logs kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def check_daemons_shut_down_cleanly(self):
        """Every vswitchd the test started must exit 0 on SIGTERM and never have crashed:
        a clean shutdown is part of the interface (SIGINT/SIGTERM = clean shutdown)."""
        for p in self.processes:
            if not p.name.startswith("vswitchd"):
                continue
            rc = p.stop()
            out = p.output()
            check(rc == 0, f"{p.name} (pid {p.pid}) exited with {rc} when stopped with SIGTERM:\n{out}")
            bad = re.search(r"PANIC|terminate called|Segmentation fault|AddressSanitizer", out)
            check(not bad, f"{p.name} (pid {p.pid}) output shows a crash ({bad.group(0) if bad else ''}):\n{out}")

    def dump_logs(self):
        for p in self.processes:
            print(f"----- {p.name} (pid {p.pid}) output -----\n{p.output()}", flush=True)


def tcp_transfer(env, src, dst, size, port=5001):
    """Sends `size` random bytes over TCP from container src to container dst and checks the
    sha256 on both ends. Returns the client's summary line."""
    helper = os.path.join(HERE, "tcp_transfer.py")
    server = env.start_process(f"tcp-server-{port}", ["ip", "netns", "exec", dst.netns,
                                                      "/usr/bin/python3", helper, "server", str(port)])
    server.wait_for_line(r"^listening", 20)
    sent = src.exec(["/usr/bin/python3", helper, "client", dst.ip, str(port), str(size)],
                    timeout=120, check_rc=False)
    check(sent.returncode == 0, f"TCP client failed: {sent.stdout} {sent.stderr}")
    received = server.wait_for_line(r"^received ", 60)
    ms = re.search(r"sent (\d+) ([0-9a-f]{64})", sent.stdout)
    mr = re.search(r"received (\d+) ([0-9a-f]{64})", received)
    check(ms and mr, f"could not parse transfer results: {sent.stdout!r} {received!r}")
    check(int(ms.group(1)) == size and int(mr.group(1)) == size,
          f"sent {ms.group(1)} and received {mr.group(1)} bytes, expected {size}")
    check(ms.group(2) == mr.group(2), f"sha256 differs: sent {ms.group(2)}, received {mr.group(2)}")
    log(f"TCP {size} bytes {src.netns} -> {dst.netns}: {sent.stdout.strip()}, sha256 matches")
    return sent.stdout.strip()


_marker_counter = [0]


def send_and_capture(env, sender, src_mac, dst_mac, count, listeners, settle=1.5):
    """Sends `count` raw frames src_mac -> dst_mac out of container `sender` and returns how
    many of them each container in `listeners` received: {container.letter: n}. The sender
    may be among the listeners (a frame looped back to its ingress port would show up)."""
    helper = os.path.join(HERE, "rawframe.py")
    _marker_counter[0] += 1
    marker = f"vsit-{os.getpid()}-{_marker_counter[0]}"
    captures = {}
    for c in listeners:
        p = env.start_process(f"capture-{c.letter}-{_marker_counter[0]}",
                              ["ip", "netns", "exec", c.netns, "/usr/bin/python3", helper, "capture",
                               c.ifname, marker, str(settle + 0.02 * count + 1.0)])
        captures[c.letter] = p
    for p in captures.values():
        p.wait_for_line(r"^ready", 10)
    sender.exec(["/usr/bin/python3", helper, "send", sender.ifname, src_mac, dst_mac, str(count), marker])
    result = {}
    for letter, p in captures.items():
        line = p.wait_for_line(r'^\{"count"', 30)
        result[letter] = json.loads(line)["count"]
        p.stop()
    return result


def pop_option(argv, name, default):
    """Removes `name VALUE` from argv (test-specific options) and returns VALUE."""
    if name in argv:
        i = argv.index(name)
        value = argv[i + 1]
        del argv[i:i + 2]
        return value
    return default


def parse_args(argv):
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True, help="directory holding vswitchd and vsctl")
    return parser.parse_args(argv)


def require(tool):
    if shutil.which(tool) is None:
        raise TestSkip(f"{tool} is not installed (scripts/setup.sh installs it)")


def main(test_function, argv=None, needs=()):
    """Runs one test: root check, environment, cleanup, and the ctest exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if os.geteuid() != 0:
        print("SKIP: integration tests need root (namespaces, veths, DPDK); run: sudo ctest ...")
        return SKIP
    env = None
    try:
        for tool in ("ip", "ethtool", "ping", *needs):
            require(tool)
        env = Env(args.bin_dir)
        test_function(env)
        env.check_daemons_shut_down_cleanly()
        print("PASS", flush=True)
        return 0
    except TestSkip as e:
        print(f"SKIP: {e}", flush=True)
        return SKIP
    except TestFailure as e:
        print(f"FAIL: {e}", flush=True)
        if env:
            env.dump_logs()
        return 1
    except Exception:
        traceback.print_exc()
        if env:
            env.dump_logs()
        return 1
    finally:
        if env:
            env.cleanup()


def start_testpmd(env, name, vdevs, testpmd_args=(), eal_args=(), netns=None, lcores="0,1",
                  wait_for=r"Press enter to exit"):
    """Starts dpdk-testpmd non-interactively (stdin held open, else it exits at EOF) and
    waits for the output line `wait_for` (by default: forwarding has started).
    `vdevs` are full --vdev strings."""
    require("dpdk-testpmd")
    cmd = ["dpdk-testpmd", "--in-memory", "-m", str(DPDK_MEMORY_MB), "--no-pci", "-l", lcores,
           "--log-level", "*:notice", *eal_args]
    for v in vdevs:
        cmd += ["--vdev", v]
    cmd += ["--", *testpmd_args]
    if netns:
        cmd = ["ip", "netns", "exec", netns, *cmd]
    p = env.start_process(name, ["stdbuf", "-oL", *cmd])
    p.wait_for_line(wait_for, 60)
    log(f"{name} pid {p.pid} started")
    return p


def stop_testpmd(p):
    """Asks testpmd to stop (Enter) and returns its final per-port statistics:
    {port_id: {'rx': n, 'tx': n}} parsed from the 'Forward statistics' block."""
    p.send("\n")
    try:
        p.proc.wait(20)
    except subprocess.TimeoutExpired:
        pass
    p.stop()
    stats = {}
    current = None
    for line in p.lines:
        m = re.search(r"Forward statistics for port (\d+)", line)
        if m:
            current = int(m.group(1))
            stats[current] = {"rx": 0, "tx": 0}
            continue
        if current is None:
            continue
        m = re.search(r"RX-packets:\s*(\d+)", line)
        if m:
            stats[current]["rx"] = int(m.group(1))
        m = re.search(r"TX-packets:\s*(\d+)", line)
        if m:
            stats[current]["tx"] = int(m.group(1))
        if "Accumulated forward statistics" in line:
            current = None
    return stats
