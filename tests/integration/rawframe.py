#!/usr/bin/python3
"""Raw Ethernet frames for the MAC-learning tests, run inside a container with
`ip netns exec NS` (standard library only: AF_PACKET sockets).

  rawframe.py send IFACE SRC_MAC DST_MAC COUNT MARKER
      sends COUNT frames (EtherType 0x88b5, IEEE "local experimental") carrying MARKER
  rawframe.py capture IFACE MARKER SECONDS
      prints "ready", then after SECONDS prints one JSON line: the frames received on IFACE
      (not the ones it sent itself) that carry MARKER: {"count": N, "src": [...], "dst": [...]}
"""
import json
import socket
import sys
import time

ETH_P_ALL = 0x0003
ETHERTYPE = 0x88B5
PACKET_OUTGOING = 4


def mac_bytes(text):
    return bytes(int(part, 16) for part in text.split(":"))


def mac_text(raw):
    return ":".join(f"{b:02x}" for b in raw)


def send(iface, src, dst, count, marker):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    payload = marker.encode()
    for i in range(count):
        body = payload + b"#%d" % i
        frame = mac_bytes(dst) + mac_bytes(src) + ETHERTYPE.to_bytes(2, "big") + body
        s.send(frame.ljust(60, b"\0"))
        time.sleep(0.01)
    s.close()


def capture(iface, marker, seconds):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.settimeout(0.1)
    print("ready", flush=True)
    needle = marker.encode()
    found = {"count": 0, "src": [], "dst": []}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            frame, address = s.recvfrom(65535)
        except socket.timeout:
            continue
        if address[2] == PACKET_OUTGOING or len(frame) < 14:
            continue
        if int.from_bytes(frame[12:14], "big") == ETHERTYPE and needle in frame[14:]:
            found["count"] += 1
            found["dst"].append(mac_text(frame[0:6]))
            found["src"].append(mac_text(frame[6:12]))
    print(json.dumps(found), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
    elif sys.argv[1] == "capture":
        capture(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
