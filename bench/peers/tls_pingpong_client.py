#!/usr/bin/env python3
"""Python ssl peer of the TLS ping-pong benchmark: a blocking ssl socket.

    python3 tls_pingpong_client.py PORT ROUND_TRIPS SIZE CA_FILE

Verifies the server against CA_FILE (host 127.0.0.1), times each round trip (send SIZE
bytes, receive SIZE back) and prints the median, mean and p99 in ns on one line.
"""
import math
import socket
import ssl
import statistics
import sys
import time

port, count, size, ca = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
context = ssl.create_default_context(cafile=ca)
raw = socket.create_connection(("127.0.0.1", port))
raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
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
samples.sort()
p99 = samples[min(len(samples) - 1, math.ceil(0.99 * len(samples)) - 1)]
print(statistics.median(samples), statistics.fmean(samples), p99)
