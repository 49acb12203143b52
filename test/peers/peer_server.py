#!/usr/bin/env python3
"""A real TCP peer for the tests: a Python server process with blocking sockets.

    python3 peer_server.py MODE [--host 127.0.0.1] [--tls CERT KEY] [--read-after SECONDS]
                           [--pause-at BYTES:SECONDS]

Prints its port on the first line of stdout, serves every connection on a thread, and
exits when its stdin closes (the test that started it has finished or died). With
--tls every connection is TLS (1.2 or newer) with that certificate and key; with
--read-after it lets each connection wait that long before reading it; a sink with
--pause-at stops reading for SECONDS once it has BYTES. Modes:

  echo    sends back everything it receives; on each connection's end prints
          "eof <bytes>" or "reset <bytes>" so tests can see what the peer saw
  sink    reads to end of stream, then replies the SHA-256 hex digest and byte count
          (and prints "sink <bytes> <digest>")
  source  reads a line "<n>\\n", sends n random bytes then their 32-byte SHA-256, closes
  split   reads a line "<k> <hex>\\n", sends the first k bytes of the decoded payload,
          pauses 100 ms, sends the rest, closes
  pairs   reads two bytes at a time and answers each pair with "ok"
  stall   listens with backlog 0 and never accepts (full backlog: SYNs get dropped)
"""
import hashlib
import os
import socket
import ssl
import sys
import time

from accept_threads import serve_until_stdin_closes


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


def echo(conn):
    total = 0
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            total += len(data)
            conn.sendall(data)
        print(f"eof {total}", flush=True)
    except ConnectionResetError:
        print(f"reset {total}", flush=True)


def sink(conn):
    digest = hashlib.sha256()
    total = 0
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    pause_at, pause = None, 0.0
    if "--pause-at" in sys.argv:
        at, seconds = sys.argv[sys.argv.index("--pause-at") + 1].split(":")
        pause_at, pause = int(at), float(seconds)
    while True:
        n = conn.recv_into(buf, min(len(buf), pause_at - total) if pause_at and total < pause_at else len(buf))
        if n == 0:
            break
        digest.update(view[:n])
        total += n
        if pause_at is not None and total >= pause_at:
            time.sleep(pause)
            pause_at = None
    print(f"sink {total} {digest.hexdigest()}", flush=True)
    conn.sendall(f"{digest.hexdigest()} {total}\n".encode())


def source(conn):
    remaining = int(read_line(conn))
    digest = hashlib.sha256()
    while remaining > 0:
        block = os.urandom(min(remaining, 1 << 20))
        digest.update(block)
        conn.sendall(block)
        remaining -= len(block)
    conn.sendall(digest.digest())


def split(conn):
    k, payload = read_line(conn).split(" ")
    data = bytes.fromhex(payload)
    k = int(k)
    conn.sendall(data[:k])
    time.sleep(0.1)
    conn.sendall(data[k:])


def pairs(conn):
    while True:
        got = b""
        while len(got) < 2:
            chunk = conn.recv(2 - len(got))
            if not chunk:
                return
            got += chunk
        conn.sendall(b"ok")


HANDLERS = {"echo": echo, "sink": sink, "source": source, "split": split, "pairs": pairs}


def serve(conn, handler, tls):
    if "--read-after" in sys.argv:
        time.sleep(float(sys.argv[sys.argv.index("--read-after") + 1]))
    try:
        if tls is not None:
            conn = tls.wrap_socket(conn, server_side=True)
        with conn:
            handler(conn)
    except (OSError, ssl.SSLError):
        pass


def main():
    mode = sys.argv[1]
    host = sys.argv[sys.argv.index("--host") + 1] if "--host" in sys.argv else "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.bind((host, 0))
    server.listen(0 if mode == "stall" else 256)
    tls = None
    if "--tls" in sys.argv:
        at = sys.argv.index("--tls")
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.minimum_version = ssl.TLSVersion.TLSv1_2
        tls.load_cert_chain(sys.argv[at + 1], sys.argv[at + 2])

    serve_until_stdin_closes(server, lambda conn: serve(conn, HANDLERS[mode], tls), accept=mode != "stall")


if __name__ == "__main__":
    main()
