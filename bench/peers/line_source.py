#!/usr/bin/env python3
"""Line source of the lines benchmark.

    python3 line_source.py LINES

Listens on 127.0.0.1, port 0, prints the port; to each connection it sends LINES lines of
61 bytes (60 characters and a newline) as fast as the peer takes them, then closes it.
Exits when its stdin closes.
"""
import socket
import sys
import threading

count = int(sys.argv[1])
blob = b"".join(b"line %09d " % i + b"x" * 45 + b"\n" for i in range(count))

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(16)
print(server.getsockname()[1], flush=True)


def serve(conn):
    with conn:
        conn.sendall(blob)


def accept():
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


threading.Thread(target=accept, daemon=True).start()
sys.stdin.read()
