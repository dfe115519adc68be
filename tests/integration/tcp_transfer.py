#!/usr/bin/python3
"""TCP transfer endpoint for the integration tests, run inside a container with
`ip netns exec NS`.

  tcp_transfer.py server PORT          accept one connection, read to EOF, print
                                       "received BYTES SHA256"
  tcp_transfer.py client HOST PORT N   send N pseudo-random bytes, print "sent BYTES SHA256"

The payload is random (not a repeating pattern) so a corrupted or reordered segment changes the
digest.
"""
import hashlib
import os
import socket
import sys
import time


def server(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(1)
    print("listening", flush=True)
    listener.settimeout(60)
    conn, _ = listener.accept()
    conn.settimeout(60)
    digest = hashlib.sha256()
    total = 0
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        digest.update(chunk)
        total += len(chunk)
    conn.close()
    print(f"received {total} {digest.hexdigest()}", flush=True)


def client(host, port, size):
    digest = hashlib.sha256()
    deadline = time.monotonic() + 20
    while True:
        try:
            conn = socket.create_connection((host, port), timeout=10)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    conn.settimeout(60)
    sent = 0
    start = time.monotonic()
    while sent < size:
        chunk = os.urandom(min(65536, size - sent))
        conn.sendall(chunk)
        digest.update(chunk)
        sent += len(chunk)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)  # wait for the server to close: everything was read
    conn.close()
    seconds = time.monotonic() - start
    print(f"sent {sent} {digest.hexdigest()} in {seconds:.2f}s", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
