#!/usr/bin/env python3
"""A real Unix-domain stream peer for the tests (socket.AF_UNIX, blocking sockets).

    python3 unix_peer.py echo ADDRESS     serve: echo every connection until its end
    python3 unix_peer.py stale ADDRESS    bind and listen, then exit without removing the file
    python3 unix_peer.py client ADDRESS TEXT
                                          connect, send TEXT, half-close, print what came back

ADDRESS is a file path, or '@name' for a Linux abstract name (the kernel's "\\0name",
exactly its bytes: no padding). The echo server prints "ready" once it listens, and exits
when its stdin closes (the test that started it has finished or died).
"""
import socket
import sys
import threading


def kernel_address(address):
    return "\0" + address[1:] if address.startswith("@") else address


def echo(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def serve_echo(address):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(kernel_address(address))
    server.listen(16)
    print("ready", flush=True)

    def accept_loop():
        while True:
            conn, _ = server.accept()
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    sys.stdin.read()


def leave_stale(address):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(kernel_address(address))
    server.listen(1)
    # Exits with the file still there: what a crashed server leaves behind.


def client(address, text):
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(20)
    conn.connect(kernel_address(address))
    conn.sendall(text.encode())
    conn.shutdown(socket.SHUT_WR)
    received = b""
    while True:
        data = conn.recv(65536)
        if not data:
            break
        received += data
    print(received.decode(), flush=True)


if __name__ == "__main__":
    mode, address = sys.argv[1], sys.argv[2]
    if mode == "echo":
        serve_echo(address)
    elif mode == "stale":
        leave_stale(address)
    elif mode == "client":
        client(address, sys.argv[3])
    else:
        sys.exit(f"unknown mode {mode}")
