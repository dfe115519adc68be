#!/usr/bin/python3
"""Bad input never crashes vswitchd and never stops it forwarding.

--part startup: vswitchd started with bad options, bad config files, a socket already served
  by another vswitchd, or more hugepage memory than the machine has, exits non-zero with one
  readable "vswitchd: error: ..." line naming the problem: no abort, no core, no DPDK PANIC.
--part api: with two containers pinging through a running vswitchd, bad API calls (duplicate
  port, unknown type, bad option, a device that cannot be opened, unknown port/MAC, ...) each
  fail with exit code 1 and a message naming the problem; afterwards the ports are exactly as
  before and the containers still ping each other.

Usage: test_bad_input.py --bin-dir DIR --part startup|api
"""
import os
import re
import signal
import socket
import sys

import vsenv
from vsenv import check, log

CRASH_SIGNS = re.compile(r"PANIC|core dumped|terminate called|Aborted|Segmentation fault|"
                         r"AddressSanitizer|stack trace|Backtrace", re.I)


def run_vswitchd_expecting_error(env, label, extra, expect, socket_path=None, eal_may_log=False):
    """Starts vswitchd with `extra` args; it must exit non-zero with one error line matching
    the regex `expect`."""
    socket_path = socket_path or os.path.join(env.tmp, f"bad-{abs(hash(label))}.sock")
    cmd = env.vswitchd_args(socket_path, extra)
    r = vsenv.run(cmd, check_rc=False, timeout=90)
    output = (r.stdout + r.stderr).strip()
    err_lines = [l for l in r.stderr.splitlines() if l.strip()]
    error_lines = [l for l in err_lines if l.startswith("vswitchd: error:")]
    log(f"{label}: exit {r.returncode}: {error_lines[-1] if error_lines else output[-200:]}")
    check(r.returncode > 0,
          f"{label}: expected a non-zero exit, got {r.returncode} "
          f"({'killed by ' + signal.Signals(-r.returncode).name if r.returncode < 0 else 'success'})"
          f"\n{output}")
    check(not CRASH_SIGNS.search(output), f"{label}: output shows a crash:\n{output}")
    check(len(error_lines) == 1, f"{label}: expected exactly one 'vswitchd: error:' line:\n{output}")
    check(re.search(expect, error_lines[0]), f"{label}: error line does not match /{expect}/: {error_lines[0]}")
    check(len(error_lines[0]) < 400, f"{label}: error line is not short: {error_lines[0]}")
    if not eal_may_log:
        # Nothing but the one line: errors found before DPDK starts must not drag its logs in.
        check(len(err_lines) == 1, f"{label}: expected a single line on stderr, got:\n{r.stderr}")
    check("ready on" not in r.stdout, f"{label}: vswitchd claimed to be ready:\n{r.stdout}")
    return error_lines[0]


def write(env, name, text):
    path = os.path.join(env.tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_startup(env):
    env.require_binaries()
    # Options.
    run_vswitchd_expecting_error(env, "unknown option", ["--bogus-option"], r"bogus-option")
    run_vswitchd_expecting_error(env, "zero workers", ["--workers", "0"], r"--workers")
    run_vswitchd_expecting_error(env, "non-numeric memory", ["--memory", "lots"], r"memory")
    run_vswitchd_expecting_error(env, "stray argument", ["extra-word"], r"extra-word|positional")
    # Config files.
    missing = os.path.join(env.tmp, "does-not-exist.textproto")
    run_vswitchd_expecting_error(env, "missing config", ["--config", missing], re.escape(missing))
    syntax = write(env, "syntax.textproto", 'ports { name: "p1" type: "null" \n')
    run_vswitchd_expecting_error(env, "config syntax error", ["--config", syntax], r"syntax\.textproto")
    unknown_field = write(env, "unknown-field.textproto", 'ports { name: "p1" type: "null" colour: "red" }\n')
    run_vswitchd_expecting_error(env, "config unknown field", ["--config", unknown_field], r"colour")
    bad_type = write(env, "bad-type.textproto", 'ports { name: "p1" type: "nul" }\n')
    run_vswitchd_expecting_error(env, "config unknown port type", ["--config", bad_type], r"nul")
    dup = write(env, "dup.textproto", 'ports { name: "p1" type: "null" }\nports { name: "p1" type: "ring" }\n')
    run_vswitchd_expecting_error(env, "config duplicate port", ["--config", dup], r"p1")
    bad_json = write(env, "bad.json", '{"ports": [{"name": "p1", "type": "null"}')
    run_vswitchd_expecting_error(env, "config bad JSON", ["--config", bad_json], r"bad\.json")
    # A device that cannot be opened, named in a config: the whole start fails, clearly.
    no_iface = write(env, "no-iface.textproto",
                     'ports { name: "p1" type: "af-packet" options { key: "iface" value: "vsnoiface0" } }\n')
    run_vswitchd_expecting_error(env, "config port that cannot be opened", ["--config", no_iface],
                                 r"vsnoiface0|p1", eal_may_log=True)

    # The API socket.
    not_socket = write(env, "plain-file.sock", "not a socket\n")
    run_vswitchd_expecting_error(env, "socket path is a regular file", [], r"plain-file\.sock",
                                 socket_path=not_socket)
    first = env.start_vswitchd(name="vswitchd-first")
    run_vswitchd_expecting_error(env, "socket in use", [], r"in use", socket_path=first.socket)
    check(first.running(), "the first vswitchd died when a second one tried its socket")
    env.vsctl("show")  # the first one still answers
    # A stale socket (file left, nobody listening) is not an error: it is replaced.
    stale = os.path.join(env.tmp, "stale.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(stale)
    s.close()
    second = env.start_vswitchd(socket_path=stale, name="vswitchd-stale")
    env.vsctl("show", socket_path=second.socket)
    second.stop()

    # Memory: far more hugepage memory than the machine has.
    run_vswitchd_expecting_error(env, "more memory than available", ["--memory", "1000000"],
                                 r"(?i)memory|hugepage", eal_may_log=True)
    # vsctl against a socket nobody serves: exit code 3, not a hang or a crash.
    r = env.vsctl("show", check_rc=False, socket_path=os.path.join(env.tmp, "nobody.sock"), timeout=30)
    check(r.returncode == 3, f"vsctl to a missing socket: expected exit 3, got {r.returncode}: {r.stderr}")


def expect_api_error(env, args, expect, rc=1):
    r = env.vsctl(*args, check_rc=False)
    log(f"vsctl {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    check(r.returncode == rc, f"vsctl {' '.join(args)}: expected exit {rc}, got {r.returncode}: "
                              f"{r.stderr.strip()} {r.stdout.strip()}")
    check(re.search(expect, r.stderr), f"vsctl {' '.join(args)}: message does not match /{expect}/: "
                                       f"{r.stderr.strip()}")
    check(not CRASH_SIGNS.search(r.stderr), f"vsctl {' '.join(args)}: {r.stderr}")


def test_api(env):
    a = env.container("a", "10.16.0.1")
    b = env.container("b", "10.16.0.2")
    daemon = env.start_vswitchd()
    env.add_port("pa", "af-packet", f"iface={a.host_if}")
    env.add_port("pb", "af-packet", f"iface={b.host_if}")
    a.ping_until_reachable(b.ip)
    ports_before = env.vsctl_json("list-ports")

    expect_api_error(env, ["add-port", "pa", "af-packet", f"iface={a.host_if}"], r"pa.*(exist|already)|(exist|already).*pa")
    expect_api_error(env, ["add-port", "px", "no-such-type"], r"no-such-type")
    expect_api_error(env, ["add-port", "px", "af-packet", f"iface={a.host_if}"], r"pa|already used|in use")
    expect_api_error(env, ["add-port", "px", "null", "colour=red"], r"colour")
    expect_api_error(env, ["add-port", "px", "vhost-user"], r"path")
    expect_api_error(env, ["add-port", "px", "vhost-user", "path=/tmp/x.sock", "mode=clinet"], r"clinet|mode")
    expect_api_error(env, ["add-port", "px", "af-packet", "iface=vsnoiface0"], r"vsnoiface0|px")
    expect_api_error(env, ["add-port", "px", "af-xdp", "iface=vsnoiface0"], r"vsnoiface0|px")
    expect_api_error(env, ["add-port", "bad name!", "null"], r"bad name!|name")
    expect_api_error(env, ["add-port", "px", "null", "mac=02:00:00:00:00:zz"], r"02:00:00:00:00:zz|mac")
    expect_api_error(env, ["del-port", "nosuchport"], r"nosuchport")
    expect_api_error(env, ["set-port", "nosuchport", "admin=down"], r"nosuchport")
    expect_api_error(env, ["port-stats", "nosuchport"], r"nosuchport")
    expect_api_error(env, ["fdb-add", "0", "02:00:00:00:00:zz", "pa"], r"02:00:00:00:00:zz|mac")
    expect_api_error(env, ["fdb-add", "0", "02:00:00:00:00:01", "nosuchport"], r"nosuchport")
    expect_api_error(env, ["fdb-add", "0", "ff:ff:ff:ff:ff:ff", "pa"], r"(?i)broadcast|multicast|ff:ff")
    expect_api_error(env, ["fdb-del", "0", "02:00:00:00:00:99"], r"02:00:00:00:00:99")
    expect_api_error(env, ["fdb-flush", "nosuchport"], r"nosuchport")
    # Usage errors are found by vsctl itself (exit 2) and never reach the daemon.
    expect_api_error(env, ["add-port", "px"], r"add-port|usage|TYPE", rc=2)
    expect_api_error(env, ["fdb-add", "5000", "02:00:00:00:00:01", "pa"], r"VLAN|5000", rc=2)
    expect_api_error(env, ["no-such-command"], r"no-such-command", rc=2)

    check(daemon.running(), "vswitchd exited during the bad API calls")
    ports_after = env.vsctl_json("list-ports")
    names_before = [p["name"] for p in ports_before.get("ports", [])]
    names_after = [p["name"] for p in ports_after.get("ports", [])]
    check(names_before == names_after, f"ports changed: before {names_before}, after {names_after}")
    # A failed add leaves nothing half-made: the name is free and a good add succeeds.
    env.add_port("px", "null")
    env.vsctl("del-port", "px")

    got, out = a.ping(b.ip, count=10)
    check(got == 10, f"forwarding broken after the bad API calls: {got}/10 replies\n{out}")
    got, out = b.ping(a.ip, count=10)
    check(got == 10, f"forwarding broken after the bad API calls (b -> a): {got}/10 replies\n{out}")
    log("containers still ping each other after every bad call")


if __name__ == "__main__":
    argv = sys.argv[1:]
    part = vsenv.pop_option(argv, "--part", "api")
    sys.exit(vsenv.main({"startup": test_startup, "api": test_api}[part], argv))
