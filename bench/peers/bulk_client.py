#!/usr/bin/env python3
"""Python peer of the bulk benchmark: sendall / recv_into with 64 KiB calls.

    python3 bulk_client.py send|receive PORT BYTES [CA_FILE]

Prints the throughput in MiB/s (send: until the sink confirmed every byte). With CA_FILE
the connection is TLS (Python's ssl, the server verified against that CA for 127.0.0.1),
against tls_server.py bulk.
"""
import socket
import ssl
import sys
import time

mode, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
CALL = 64 * 1024
sock = socket.create_connection(("127.0.0.1", port))
if len(sys.argv) > 4:
    sock = ssl.create_default_context(cafile=sys.argv[4]).wrap_socket(sock, server_hostname="127.0.0.1")
if mode == "send":
    block = bytes(CALL)
    tls = isinstance(sock, ssl.SSLSocket)
    sock.sendall(f"SINK {size}\n".encode() if tls else b"SINK\n")  # TLS: the count ends it
    start = time.perf_counter()
    for _ in range(size // CALL):
        sock.sendall(block)
    if not tls:
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
