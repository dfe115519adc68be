#!/usr/bin/python3
"""A DPDK application in a container, attached through virtio-user, exchanges packets with a
vhost-user port of vswitchd. The application is dpdk-testpmd in icmpecho mode: it answers ARP
and ICMP echo requests, so a namespace container on an af-packet port pings it through the
switch. Packets must really flow: ping replies, vswitchd's counters on both ports, and
testpmd's own counters are all checked (link state alone proves nothing over vhost-user).

Roles (--mode is the vswitchd port's mode):
  server  vswitchd listens on the socket; testpmd's virtio-user connects (server=0)
  client  testpmd's virtio-user listens (server=1); vswitchd connects, and reconnects when
          the app is restarted

Usage: test_vhost_user.py --bin-dir DIR --mode server|client
"""
import os
import sys

import vsenv
from vsenv import check, log

PINGS = 20
APP_IP = "10.14.0.99"  # any address: icmpecho answers ARP for every IP


def start_app(env, sock, server):
    # --single-file-segments: otherwise virtio-user fails with "Too many memory regions".
    # The app's main lcore is 1 so its forwarding lcore 0 is not the core vswitchd's worker uses.
    # A virtio-user server blocks in device init until the vhost side connects, so in that role
    # the app is "started" once it listens.
    return vsenv.start_testpmd(
        env, "testpmd-virtio-user",
        [f"net_virtio_user0,path={sock},server={1 if server else 0},queues=1"],
        ["--forward-mode=icmpecho"], eal_args=["--single-file-segments"], lcores="1,0",
        wait_for=r"waiting for client connection" if server else r"Press enter to exit")


def make_test(mode):
    def test(env):
        a = env.container("a", "10.14.0.1")
        sock = os.path.join(env.tmp, "vm1.sock")
        env.start_vswitchd()
        env.add_port("pa", "af-packet", f"iface={a.host_if}")
        if mode == "server":
            env.add_port("vm1", "vhost-user", f"path={sock}", "mode=server")
            check(os.path.exists(sock), f"vhost-user server port did not create {sock}")
            app = start_app(env, sock, server=False)
        else:
            app = start_app(env, sock, server=True)
            env.add_port("vm1", "vhost-user", f"path={sock}", "mode=client")
            app.wait_for_line(r"Press enter to exit", 30)

        a.ping_until_reachable(APP_IP, timeout=30)
        before = env.stable_port_counters()
        got, out = a.ping(APP_IP, count=PINGS)
        log(out.strip().splitlines()[-2])
        check(got == PINGS, f"container -> testpmd over vhost-user: {got}/{PINGS} replies\n{out}")
        after = env.stable_port_counters()
        d = {p: {k: after[p][k] - before[p][k] for k in ("rx_packets", "tx_packets")}
             for p in ("pa", "vm1")}
        log(f"vswitchd counter deltas: {d}")
        check(d["vm1"]["tx_packets"] >= PINGS, f"vm1 sent {d['vm1']['tx_packets']} < {PINGS}: {d}")
        check(d["vm1"]["rx_packets"] >= PINGS, f"vm1 received {d['vm1']['rx_packets']} < {PINGS}: {d}")
        check(d["pa"]["rx_packets"] == d["vm1"]["tx_packets"],
              f"pa rx {d['pa']['rx_packets']} != vm1 tx {d['vm1']['tx_packets']}")
        check(d["vm1"]["rx_packets"] == d["pa"]["tx_packets"],
              f"vm1 rx {d['vm1']['rx_packets']} != pa tx {d['pa']['tx_packets']}")
        env.wait_fdb(lambda e: any(x["port"] == "vm1" for x in e) and
                     any(x["mac"] == a.mac and x["port"] == "pa" for x in e),
                     what="the app's MAC learned on vm1 and the container's on pa")

        total_vm1 = env.port_counters()["vm1"]
        stats = vsenv.stop_testpmd(app)
        log(f"testpmd's counters: {stats}; vswitchd vm1: rx {total_vm1['rx_packets']} "
            f"tx {total_vm1['tx_packets']}")
        app_rx = stats.get(0, {}).get("rx", 0)
        app_tx = stats.get(0, {}).get("tx", 0)
        check(app_rx >= PINGS and app_tx >= PINGS, f"testpmd counted rx {app_rx} tx {app_tx}")
        # Everything vswitchd sent on vm1 reached the app, everything the app sent reached vm1.
        check(app_rx == total_vm1["tx_packets"],
              f"testpmd received {app_rx}, vswitchd sent {total_vm1['tx_packets']} on vm1")
        check(app_tx == total_vm1["rx_packets"],
              f"testpmd sent {app_tx}, vswitchd received {total_vm1['rx_packets']} on vm1")

        if mode == "client":
            # The VM side goes away and comes back (a restarted guest): the client-mode port
            # reconnects by itself and traffic flows again, with no vsctl call.
            app = start_app(env, sock, server=True)
            app.wait_for_line(r"Press enter to exit", 30)
            log("a new virtio-user server started; vswitchd reconnected")
            a.ping_until_reachable(APP_IP, timeout=30)
            got, out = a.ping(APP_IP, count=10)
            check(got == 10, f"after the app restarted: {got}/10 replies\n{out}")
            stats = vsenv.stop_testpmd(app)
            check(stats.get(0, {}).get("rx", 0) >= 10, f"restarted app counted {stats}")

        env.vsctl("del-port", "vm1")
        ports = [p["name"] for p in env.vsctl_json("list-ports").get("ports", [])]
        check(ports == ["pa"], f"after del-port vm1, list-ports shows {ports}")
    return test


if __name__ == "__main__":
    argv = sys.argv[1:]
    mode = vsenv.pop_option(argv, "--mode", "server")
    sys.exit(vsenv.main(make_test(mode), argv, needs=("dpdk-testpmd",)))
