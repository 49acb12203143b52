#!/usr/bin/env python3
"""TLS peer of the benchmarks (tlspingpong, tlsbulk): a Python threaded ssl server.

    python3 tls_server.py echo|bulk CERT KEY

Prints its port; exits when its stdin closes. Every connection is TLS (1.2 or newer,
Python's defaults otherwise: TLS 1.3 with AES-GCM between our clients and it), served
on a thread of its own with blocking sockets. Modes:
  echo  sends back everything it receives (the same peer for every ping-pong client)
  bulk  as bulk_server.py, with a count: a first line "SINK n\\n" (read n bytes, or to
        end of stream, then answer "<bytes>\\n": a TLS client cannot half-close without
        ending TLS) or "SOURCE n\\n" (send n bytes from one reused buffer, close_notify)
"""
import socket
import ssl
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


def echo(conn):
    buf = bytearray(65536)
    view = memoryview(buf)
    while True:
        n = conn.recv_into(buf)
        if n == 0:
            break
        conn.sendall(view[:n])


def bulk(conn):
    command = read_line(conn)
    if command[0] == "SINK":
        expected = int(command[1]) if len(command) > 1 else None
        buf = bytearray(1 << 20)
        total = 0
        while expected is None or total < expected:
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
        conn.unwrap()  # close_notify, so that the client sees a clean end of stream


def serve(conn, handler, context):
    try:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with context.wrap_socket(conn, server_side=True) as tls:
            handler(tls)
    except (OSError, ssl.SSLError, ValueError):
        pass


def main():
    handler = {"echo": echo, "bulk": bulk}[sys.argv[1]]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    print(server.getsockname()[1], flush=True)

    def accept_loop():
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn, handler, context), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
