#!/usr/bin/env python3
"""Python blocking-socket peer of the ping-pong benchmark.

    python3 pingpong_client.py PORT ROUND_TRIPS SIZE [WARM_UP]

Times each round trip (send SIZE bytes, receive SIZE back), after WARM_UP round trips not
counted (default 0), and prints the median, mean and 99th percentile (nearest rank) in ns.
"""
import math
import socket
import statistics
import sys
import time

port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
warm_up = int(sys.argv[4]) if len(sys.argv) > 4 else 0
sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
payload = bytes(size)
buf = bytearray(size)
view = memoryview(buf)
samples = []
for _ in range(warm_up + count):
    start = time.perf_counter_ns()
    sock.sendall(payload)
    got = 0
    while got < size:
        got += sock.recv_into(view[got:])
    samples.append(time.perf_counter_ns() - start)
sock.close()
samples = sorted(samples[warm_up:])
p99 = samples[min(len(samples) - 1, math.ceil(len(samples) * 0.99) - 1)]
print(statistics.median(samples), statistics.fmean(samples), p99)
