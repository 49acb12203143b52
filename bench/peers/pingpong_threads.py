#!/usr/bin/env python3
"""The 8-thread figure's Python peer (bench/threads8.ts): THREADS threads, each with a
blocking socket of its own, each running 64-byte round trips against the echo server
from START_AT (Unix time, seconds) for SECONDS after WARM_UP round trips. Prints the
round trips of all threads together.

    python3 pingpong_threads.py PORT THREADS START_AT SECONDS WARM_UP
"""
import socket
import sys
import threading
import time

port, threads, start_at, seconds, warm_up = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
SIZE = 64
counts = [0] * threads


def run(index):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    payload = bytes(SIZE)
    view = memoryview(bytearray(SIZE))

    def trip():
        sock.sendall(payload)
        got = 0
        while got < SIZE:
            n = sock.recv_into(view[got:])
            if n == 0:
                raise EOFError("echo server closed")
            got += n

    for _ in range(warm_up):
        trip()
    time.sleep(max(0.0, start_at - time.time()))
    end = start_at + seconds
    trips = 0
    while time.time() < end:
        trip()
        trips += 1
    counts[index] = trips
    sock.close()


workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print(sum(counts))
