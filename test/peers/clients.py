#!/usr/bin/env python3
"""Python client processes' worth of connections against a listener of ours.

    python3 clients.py PORT COUNT SIZE [--host 127.0.0.1]

Opens COUNT connections at once (one thread each). Each sends a 4-byte big-endian
length and SIZE random bytes, reads back SIZE bytes and compares their SHA-256 with what
it sent. Prints "ok <n> failed <m>" and exits 0 when every echo matched.
"""
import hashlib
import os
import socket
import struct
import sys
import threading

port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
host = sys.argv[sys.argv.index("--host") + 1] if "--host" in sys.argv else "127.0.0.1"
results = []
lock = threading.Lock()
start = threading.Barrier(count)


def client():
    ok = False
    try:
        payload = os.urandom(size)
        start.wait(timeout=30)
        with socket.create_connection((host, port), timeout=60) as sock:
            sock.sendall(struct.pack(">I", size) + payload)
            got = bytearray()
            while len(got) < size:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                got += chunk
            ok = hashlib.sha256(got).digest() == hashlib.sha256(payload).digest()
    except Exception as error:  # reported in the summary, not raised
        print(f"error {error!r}", file=sys.stderr)
    with lock:
        results.append(ok)


threads = [threading.Thread(target=client) for _ in range(count)]
for t in threads:
    t.start()
for t in threads:
    t.join()
good = sum(results)
print(f"ok {good} failed {count - good}", flush=True)
sys.exit(0 if good == count else 1)
