#!/usr/bin/env python3
"""Bulk peer of the benchmarks: a Python server process with blocking sockets.

    python3 bulk_server.py

Prints its port; exits when its stdin closes. On each connection it reads a first line:
  "SINK\\n"      then reads to end of stream into one reused buffer (no per-byte work),
                 and answers "<bytes>\\n"
  "SOURCE n\\n"  then sends n bytes from one reused buffer and closes
"""
import socket
import sys
import threading

BLOCK = bytearray(1 << 20)


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode().split()


def serve(conn):
    with conn:
        command = read_line(conn)
        if command[0] == "SINK":
            buf = bytearray(1 << 20)
            total = 0
            while True:
                n = conn.recv_into(buf)
                if n == 0:
                    break
                total += n
            conn.sendall(f"{total}\n".encode())
        elif command[0] == "SOURCE":
            remaining = int(command[1])
            view = memoryview(BLOCK)
            while remaining > 0:
                n = min(remaining, len(BLOCK))
                conn.sendall(view[:n])
                remaining -= n


def main():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    print(server.getsockname()[1], flush=True)

    def accept_loop():
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
