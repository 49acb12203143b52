#!/usr/bin/env python3
"""Python blocking-socket peer of the ping-pong benchmark.

    python3 pingpong_client.py PORT ROUND_TRIPS SIZE

Times each round trip (send SIZE bytes, receive SIZE back) and prints the median in ns.
"""
import socket
import statistics
import sys
import time

port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
payload = bytes(size)
buf = bytearray(size)
view = memoryview(buf)
samples = []
for _ in range(count):
    start = time.perf_counter_ns()
    sock.sendall(payload)
    got = 0
    while got < size:
        got += sock.recv_into(view[got:])
    samples.append(time.perf_counter_ns() - start)
sock.close()
print(statistics.median(samples))
