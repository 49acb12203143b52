#!/usr/bin/env python3
"""Python's side of the lines benchmark: buffered readline() over a blocking socket.

    python3 line_reader.py PORT

Reads every line the source sends until it closes; prints lines per second.
"""
import socket
import sys
import time

sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
reader = sock.makefile("rb")
start = time.perf_counter()
lines = 0
while reader.readline():
    lines += 1
elapsed = time.perf_counter() - start
sock.close()
print(lines / elapsed)
