#!/usr/bin/env python3
"""Python peer of the bulk benchmark: sendall / recv_into with 64 KiB calls.

    python3 bulk_client.py send|receive PORT BYTES

Prints the throughput in MiB/s (send: until the sink confirmed every byte).
"""
import socket
import sys
import time

mode, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
CALL = 64 * 1024
sock = socket.create_connection(("127.0.0.1", port))
if mode == "send":
    block = bytes(CALL)
    sock.sendall(b"SINK\n")
    start = time.perf_counter()
    for _ in range(size // CALL):
        sock.sendall(block)
    sock.shutdown(socket.SHUT_WR)
    assert int(sock.makefile().readline()) == size
else:
    sock.sendall(f"SOURCE {size}\n".encode())
    buf = bytearray(CALL)
    total = 0
    start = time.perf_counter()
    while True:
        n = sock.recv_into(buf)
        if n == 0:
            break
        total += n
    assert total == size
elapsed = time.perf_counter() - start
sock.close()
print(size / elapsed / (1 << 20))
