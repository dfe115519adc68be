#!/usr/bin/python3
"""Two QEMU guests on vhost-user ports of a switch ping each other and move a file over TCP.

The guest (Debian kernel + busybox initramfs) comes from build_guest.sh; its /init
(guest_init.sh) does the work inside the VMs and reports on the serial console:
the client pings the server, then sends a random file with nc; the server prints the
SHA-256 of what it received; the test compares it with the client's.

Switches:
  --switch vswitchd  (default, what ctest runs): vswitchd with two vhost-user ports in
                     client mode added through vsctl; QEMU is the vhost-user server.
  --switch testpmd   dpdk-testpmd io-forwarding between two net_vhost ports (client=1):
                     a reference switch to tell guest problems from switch problems.

Asserts: every ping answered, SHA-256 (and size) equal on both sides, and the switch's
counters show traffic received and sent on both vhost ports (so the packets really
went through the switch).

Exit codes: 0 pass, 1 fail, 77 skipped (no QEMU, not root, or the guest cannot be built);
the reason is always printed.
"""

import argparse
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

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Guests talk on a private subnet that exists only between the two VMs.
GUESTS = (
    {"name": "vm1", "role": "server", "ip": "10.250.0.1", "mac": "52:54:00:7e:00:01"},
    {"name": "vm2", "role": "client", "ip": "10.250.0.2", "mac": "52:54:00:7e:00:02"},
)
TCP_PORT = 5001

_PR_SET_PDEATHSIG = 1


class Skip(Exception):
    pass


class Failure(Exception):
    pass


def log(msg):
    print("vm_pair_test: " + msg, flush=True)


def _die_with_parent(sig):
    """preexec_fn: the child gets `sig` if this test is killed (e.g. by a ctest
    timeout's SIGKILL), so no QEMU or switch outlives it even when finally-blocks
    cannot run."""
    def set_pdeathsig():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    return set_pdeathsig


class Processes:
    """Everything this test starts, stopped by PID in reverse start order."""

    def __init__(self):
        self._procs = []  # (name, Popen, stop signal)

    def start(self, name, argv, stop_signal=signal.SIGTERM, **kwargs):
        proc = subprocess.Popen(argv, preexec_fn=_die_with_parent(stop_signal), **kwargs)
        self._procs.append((name, proc, stop_signal))
        return proc

    def stop_all(self):
        for name, proc, stop_signal in reversed(self._procs):
            if proc.poll() is None:
                try:
                    proc.send_signal(stop_signal)
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    log("%s (pid %d) ignored signal %d, killing it" % (name, proc.pid, stop_signal))
                    proc.kill()
                    proc.wait()
        self._procs.clear()


def choose_accel(requested):
    if requested != "auto":
        return requested
    try:
        with open("/proc/cpuinfo") as f:
            flags = set(f.read().split())
    except OSError:
        flags = set()
    if not flags & {"vmx", "svm"}:
        return "tcg"
    # kvm_pvm is a paravirtual nested KVM that cannot run a stock Debian kernel.
    if os.path.exists("/sys/module/kvm_pvm"):
        return "tcg"
    try:
        with open("/proc/modules") as f:
            if any(line.split()[0] == "kvm_pvm" for line in f if line.strip()):
                return "tcg"
    except OSError:
        pass
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "tcg"
    return "kvm"


def build_guest(cache_dir):
    script = os.path.join(HERE, "build_guest.sh")
    result = subprocess.run(["bash", script, cache_dir], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise Skip("the guest cannot be built:\n" + result.stdout.strip())
    env = {}
    with open(os.path.join(cache_dir, "guest.env")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            env[key] = value
    for key in ("KERNEL", "INITRD"):
        if not os.path.isfile(env.get(key, "")):
            raise Skip("guest build in %s has no %s file" % (cache_dir, key))
    return env


def wait_for(predicate, timeout, what, poll=0.1, alive=None):
    """Polls predicate() until it returns a true value; `alive` (a list of Popen)
    must keep running meanwhile, so a crash fails fast with a clear message."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        for proc in alive or ():
            if proc.poll() is not None:
                raise Failure("%s: process %s exited with code %d" % (what, proc.args[0], proc.returncode))
        if time.monotonic() > deadline:
            raise Failure("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(poll)


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def vstest_lines(serial_log):
    """The guest's report lines, without the "VSTEST " prefix."""
    return [line.split("VSTEST ", 1)[1].strip()
            for line in read_text(serial_log).splitlines() if "VSTEST " in line]


def find_line(lines, prefix):
    for line in lines:
        if line.startswith(prefix):
            return line
    return None


class LineCollector(threading.Thread):
    """Copies a child's stdout to a log file and remembers its lines, so the test
    can wait for a "ready" line without the pipe ever filling up."""

    def __init__(self, stream, log_path):
        super().__init__(daemon=True)
        self._stream = stream
        self._log_path = log_path
        self._lines = []
        self._lock = threading.Lock()
        self.start()

    def run(self):
        with open(self._log_path, "w") as out:
            for line in self._stream:
                out.write(line)
                out.flush()
                with self._lock:
                    self._lines.append(line.rstrip("\n"))

    def lines(self):
        with self._lock:
            return list(self._lines)

    def mark(self):
        with self._lock:
            return len(self._lines)

    def since(self, mark):
        with self._lock:
            return list(self._lines[mark:])


class VswitchdSwitch:
    """vswitchd with its API socket in the test's directory and no persistence."""

    def __init__(self, args, workdir, procs):
        for binary in (args.vswitchd, args.vsctl):
            if not binary or not os.access(binary, os.X_OK):
                raise Failure("vswitchd mode needs --vswitchd and --vsctl (or env VSWITCHD/VSCTL); "
                              "not executable: %r" % binary)
        self.args = args
        self.workdir = workdir
        self.procs = procs
        self.api_socket = os.path.join(workdir, "vswitchd.sock")
        self.log_path = os.path.join(workdir, "vswitchd.log")
        self.proc = None

    def start_before_guests(self):
        argv = [self.args.vswitchd, "--in-memory", "--memory", "256",
                "--socket", self.api_socket, "--state-dir", "none",
                "--workers", "1"] + self.args.vswitchd_arg
        log("starting " + " ".join(argv))
        self.proc = self.procs.start("vswitchd", argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = LineCollector(self.proc.stdout, self.log_path)
        ready = "vswitchd: ready on unix:" + self.api_socket
        wait_for(lambda: ready in self.output.lines(), 60, "vswitchd to print '%s'" % ready,
                 alive=[self.proc])

    def vsctl(self, *command, check=True):
        argv = [self.args.vsctl, "--server", self.api_socket, "--timeout", "10"] + list(command)
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=30)
        if check and result.returncode != 0:
            raise Failure("'%s' failed with exit code %d: %s" % (
                " ".join(argv), result.returncode, (result.stderr or result.stdout).strip()))
        return result

    def attach_guests(self, sockets):
        for guest, sock in zip(GUESTS, sockets):
            self.vsctl("add-port", guest["name"], "vhost-user", "path=" + sock)
            log("added port %s: vhost-user path=%s (client mode)" % (guest["name"], sock))

    def alive(self):
        return [self.proc]

    def port_counters(self):
        counters = {}
        for guest in GUESTS:
            reply = json.loads(self.vsctl("--json", "port-stats", guest["name"]).stdout)
            ports = [p for p in reply.get("ports", []) if p.get("name") == guest["name"]]
            if not ports:
                raise Failure("vsctl port-stats %s returned no such port: %s" % (guest["name"], reply))
            raw = ports[0].get("counters", {})
            # Protobuf's JSON form leaves out zero fields and writes uint64 as strings.
            summary = {key: raw[key] for key in ("rxPackets", "rxBytes", "txPackets", "txBytes") if key in raw}
            summary.update({d["name"]: d["value"] for d in raw.get("drops", []) if int(d.get("value", 0))})
            counters[guest["name"]] = {
                "rx_packets": int(raw.get("rxPackets", 0)),
                "tx_packets": int(raw.get("txPackets", 0)),
                "raw": summary,
            }
        return counters

    def stop(self):
        pass  # Processes.stop_all sends SIGTERM, vswitchd's clean shutdown signal.


class TestpmdSwitch:
    """dpdk-testpmd forwarding between two net_vhost ports: port 0 <-> port 1."""

    def __init__(self, args, workdir, procs):
        if not shutil.which(args.testpmd):
            raise Skip("%s is not installed (package dpdk)" % args.testpmd)
        self.args = args
        self.workdir = workdir
        self.procs = procs
        self.log_path = os.path.join(workdir, "testpmd.log")
        self.proc = None

    def start_before_guests(self):
        pass  # Its net_vhost ports connect to the sockets the guests' QEMUs create.

    def attach_guests(self, sockets):
        argv = ["stdbuf", "-oL", self.args.testpmd, "-l", "0,1", "--no-pci", "--in-memory",
                "-m", "256", "--log-level", "pmd.net.vhost:info"]
        for index, sock in enumerate(sockets):
            argv += ["--vdev", "net_vhost%d,iface=%s,client=1" % (index, sock)]
        # Interactive mode on a pipe: stdin stays open (testpmd quits at EOF) and
        # "show port stats" can be asked for at the end.
        argv += ["--", "-i", "--forward-mode=io", "--total-num-mbufs=8192"]
        log("starting " + " ".join(argv))
        self.proc = self.procs.start("dpdk-testpmd", argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = LineCollector(self.proc.stdout, self.log_path)
        self.command("start")
        wait_for(lambda: any("io packet forwarding" in l for l in self.output.lines()), 60,
                 "dpdk-testpmd to start forwarding", alive=[self.proc])

    def command(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def alive(self):
        return [self.proc]

    def port_counters(self):
        mark = self.output.mark()
        self.command("show port stats all")
        wait_for(lambda: sum("TX-packets" in l for l in self.output.since(mark)) >= len(GUESTS), 10,
                 "testpmd port statistics", alive=[self.proc])
        counters = {}
        port = -1
        for line in self.output.since(mark):
            match = re.search(r"statistics for port (\d+)", line)
            if match:
                port = int(match.group(1))
            match = re.search(r"(RX|TX)-packets:\s*(\d+)", line)
            if match and 0 <= port < len(GUESTS):
                entry = counters.setdefault(GUESTS[port]["name"], {"raw": {}})
                entry[match.group(1).lower() + "_packets"] = int(match.group(2))
                entry["raw"][match.group(1) + "-packets"] = int(match.group(2))
        return counters

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.command("quit")
                self.proc.wait(timeout=10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                pass


def qemu_argv(args, guest, accel, env, sock, serial_log):
    append = ("console=ttyS0 quiet panic=-1 vsrole={role} vsip={ip}/24 vspeer={peer} "
              "vsport={port} vssize={size} vspings={pings} vswait={wait}").format(
        role=guest["role"], ip=guest["ip"], peer=GUESTS[0]["ip"], port=TCP_PORT,
        size=args.payload_kib * 1024, pings=args.pings,
        # The client gives up on an unreachable peer well before the harness's deadline,
        # so a switch that forwards nothing is reported as "PING FAIL", not as a timeout.
        wait=max(20, int(args.timeout / 2)))
    return [
        args.qemu,
        "-name", guest["name"],
        "-machine", "q35,accel=" + accel,
        "-cpu", "host" if accel == "kvm" else "max",
        "-smp", "1", "-m", "256M",
        # The switch maps the guest's RAM to read and write packets: it must be shared
        # memory, otherwise the link comes up and no packet ever flows.
        "-object", "memory-backend-memfd,id=mem,size=256M,share=on",
        "-numa", "node,memdev=mem",
        # server=on: QEMU listens and the switch connects (vhost-user client mode, so
        # the guest would survive a switch restart). QEMU waits for the switch before
        # it starts the guest.
        "-chardev", "socket,id=vhost0,path=%s,server=on" % sock,
        "-netdev", "vhost-user,id=net0,chardev=vhost0",
        # vectors=0: QEMU 7.2 under TCG crashes with MSI-X on a vhost-user device.
        "-device", "virtio-net-pci,netdev=net0,mac=%s,vectors=0" % guest["mac"],
        "-kernel", env["KERNEL"], "-initrd", env["INITRD"], "-append", append,
        "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
        "-serial", "file:" + serial_log,
    ]


def tail(path, lines=25):
    text = read_text(path).splitlines()
    return "\n".join("    | " + line for line in text[-lines:]) or "    | (empty)"


def run(args):
    started = time.monotonic()
    if os.geteuid() != 0:
        raise Skip("needs root (DPDK hugepages and vhost-user sockets)")
    if not shutil.which(args.qemu):
        raise Skip("%s is not installed (Debian package qemu-system-x86)" % args.qemu)

    cache = args.cache or os.environ.get("VSWITCH_VM_CACHE") or os.path.join(REPO, "build", "vm-guest")
    build_start = time.monotonic()
    env = build_guest(cache)
    log("guest: %s + %s (kernel %s), ready in %.1f s" % (
        env["KERNEL"], env["INITRD"], env.get("KERNEL_VERSION", "?"), time.monotonic() - build_start))

    accel = choose_accel(args.accel)
    log("accelerator: %s%s" % (accel, "" if args.accel == "auto" else " (forced)"))

    workdir = tempfile.mkdtemp(prefix="vswitch-vm-")
    procs = Processes()
    switch = None
    passed = False
    try:
        switch_class = VswitchdSwitch if args.switch == "vswitchd" else TestpmdSwitch
        switch = switch_class(args, workdir, procs)
        switch_start = time.monotonic()
        switch.start_before_guests()
        if args.switch == "vswitchd":
            log("vswitchd ready in %.1f s" % (time.monotonic() - switch_start))

        deadline = time.monotonic() + args.timeout
        sockets, serial_logs, qemus = [], [], []
        for guest in GUESTS:
            sock = os.path.join(workdir, guest["name"] + ".vhost.sock")
            serial_log = os.path.join(workdir, guest["name"] + ".serial.log")
            argv = qemu_argv(args, guest, accel, env, sock, serial_log)
            qemu_log = open(os.path.join(workdir, guest["name"] + ".qemu.log"), "w")
            # SIGKILL: QEMU must not linger holding the vhost socket after the test dies.
            qemus.append(procs.start("qemu-" + guest["name"], argv, stop_signal=signal.SIGKILL,
                                     stdin=subprocess.DEVNULL, stdout=qemu_log, stderr=subprocess.STDOUT))
            qemu_log.close()
            sockets.append(sock)
            serial_logs.append(serial_log)
        qemu_start = time.monotonic()
        log("started QEMU pids %s; logs in %s" % ([q.pid for q in qemus], workdir))

        # QEMU creates its listening socket before it waits for the switch.
        wait_for(lambda: all(os.path.exists(s) for s in sockets), 30,
                 "QEMU to create the vhost-user sockets", alive=qemus)
        switch.attach_guests(sockets)
        attached = time.monotonic()

        booted, net_up = {}, {}
        while True:
            now = time.monotonic()
            for guest, serial_log in zip(GUESTS, serial_logs):
                lines = vstest_lines(serial_log)
                if guest["name"] not in booted and find_line(lines, "BOOTED"):
                    booted[guest["name"]] = now - attached
                if guest["name"] not in net_up and find_line(lines, "NET UP"):
                    net_up[guest["name"]] = now - attached
            if all(q.poll() is not None for q in qemus):
                break
            # A guest that gave up (e.g. the peer never answered) ends the test: its
            # partner would otherwise wait for a connection until the deadline.
            if any(find_line(vstest_lines(l), "DONE fail") for l in serial_logs):
                break
            for proc in switch.alive():
                if proc.poll() is not None:
                    raise Failure("the switch (%s) exited with code %d while the guests ran"
                                  % (proc.args[0], proc.returncode))
            if now > deadline:
                last = {g["name"]: (vstest_lines(l) or ["no output"])[-1] for g, l in zip(GUESTS, serial_logs)}
                raise Failure("the guests did not finish within %.0f s; last reports: %s" % (args.timeout, last))
            time.sleep(0.1)
        guests_done = time.monotonic()

        server_lines = vstest_lines(serial_logs[0])
        client_lines = vstest_lines(serial_logs[1])
        # The client first: when it fails, its report names the cause (no ping reply,
        # no connection) while the server only shows it was still listening.
        for guest, lines, serial_log in reversed(list(zip(GUESTS, (server_lines, client_lines), serial_logs))):
            if find_line(lines, "DONE ok") is None:
                fail_line = find_line(lines, "FAIL") or find_line(lines, "PING FAIL") or \
                    find_line(lines, "SEND FAIL") or "no report"
                raise Failure("guest %s (%s) did not finish its role: %s\n%s" % (
                    guest["name"], guest["role"], fail_line, tail(serial_log)))

        for guest, qemu in zip(GUESTS, qemus):
            if qemu.returncode != 0:
                raise Failure("QEMU of %s exited with code %d:\n%s" % (
                    guest["name"], qemu.returncode,
                    tail(os.path.join(workdir, guest["name"] + ".qemu.log"))))

        ping = find_line(client_lines, "PING OK")
        if ping is None:
            raise Failure("pings between the guests were lost: %s" % (
                find_line(client_lines, "PING FAIL") or "no ping report"))
        log("ping: " + ping)

        sent_sha = find_line(client_lines, "SHA256 ").split()[1]
        sent_bytes = int(find_line(client_lines, "PAYLOAD bytes=").split("=")[1])
        received = find_line(server_lines, "RECEIVED bytes=")
        received_bytes = int(received.split()[1].split("=")[1])
        received_sha = find_line(server_lines, "SHA256 ").split()[1]
        log("tcp: client sent %d bytes sha256 %s; server received %d bytes sha256 %s" % (
            sent_bytes, sent_sha, received_bytes, received_sha))
        if sent_bytes != args.payload_kib * 1024:
            raise Failure("the client generated %d bytes instead of %d" % (sent_bytes, args.payload_kib * 1024))
        if received_bytes != sent_bytes or received_sha != sent_sha:
            raise Failure("the TCP transfer was corrupted or truncated on the way through the switch")

        counters = switch.port_counters()
        for guest in GUESTS:
            entry = counters.get(guest["name"])
            log("port %s counters: %s" % (guest["name"], entry and entry["raw"]))
            # The file alone is hundreds of segments each way (data one way, ACKs the other).
            if not entry or entry.get("rx_packets", 0) < args.pings or entry.get("tx_packets", 0) < args.pings:
                raise Failure("port %s counters do not show the guests' traffic: %s" % (guest["name"], entry))

        log("boot (switch attached -> guest /init): %s s; network up: %s s" % (
            {k: round(v, 1) for k, v in booted.items()}, {k: round(v, 1) for k, v in net_up.items()}))
        log("guests ran %.1f s; QEMU start to end %.1f s; whole test %.1f s (%s, %s)" % (
            guests_done - attached, guests_done - qemu_start, time.monotonic() - started, accel, args.switch))
        passed = True
    finally:
        if switch is not None:
            switch.stop()
        procs.stop_all()
        if (passed and not args.keep) or not os.listdir(workdir):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log("logs kept in " + workdir)
            if not passed:
                for name in sorted(os.listdir(workdir)):
                    if name.endswith(".log"):
                        print("--- %s (last lines)\n%s" % (name, tail(os.path.join(workdir, name))), flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--switch", choices=("vswitchd", "testpmd"), default="vswitchd")
    p.add_argument("--vswitchd", default=os.environ.get("VSWITCHD"), help="vswitchd binary (env VSWITCHD)")
    p.add_argument("--vsctl", default=os.environ.get("VSCTL"), help="vsctl binary (env VSCTL)")
    p.add_argument("--vswitchd-arg", action="append", default=[],
                   help="extra vswitchd option (repeatable), e.g. --vswitchd-arg=--idle-sleep-us=50")
    p.add_argument("--testpmd", default="dpdk-testpmd")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--cache", help="guest cache dir (default $VSWITCH_VM_CACHE or build/vm-guest)")
    p.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto")
    p.add_argument("--timeout", type=float, default=180, help="seconds the guests may run")
    p.add_argument("--payload-kib", type=int, default=2048, help="size of the file sent over TCP")
    p.add_argument("--pings", type=int, default=20)
    p.add_argument("--keep", action="store_true", help="keep the logs directory after a pass")
    args = p.parse_args(argv)
    if args.payload_kib < 4 or args.payload_kib % 4:
        p.error("--payload-kib must be a positive multiple of 4")
    if args.pings < 1:
        p.error("--pings must be at least 1")
    return args


def main(argv):
    args = parse_args(argv)
    # ctest and a terminal's Ctrl-C: turn the signal into an exception so the
    # finally-block stops everything this test started.
    def on_signal(signum, _frame):
        raise Failure("interrupted by signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        run(args)
    except Skip as e:
        print("SKIP: vm_pair_test: %s" % e, flush=True)
        return SKIP
    except Failure as e:
        print("FAIL: vm_pair_test: %s" % e, flush=True)
        return 1
    print("PASS: vm_pair_test (%s)" % args.switch, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
