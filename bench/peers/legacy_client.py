#!/usr/bin/env python3
"""Client of bench/thread-churn.ts: N sessions one after another against the legacy server.

    python3 legacy_client.py PORT N [CONCURRENCY=4]

CONCURRENCY sessions run at once (so that thread start-ups overlap). Each session reads the greeting line, sends a line and reads its echo, sends "bye" and
waits for the server's close. Prints "done <sessions>" at the end.
"""
import socket
from concurrent.futures import ThreadPoolExecutor
import sys


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def session(i):
    with socket.create_connection(("127.0.0.1", port), timeout=300) as conn:
        read_line(conn)
        conn.sendall(f"session {i}\n".encode())
        assert read_line(conn) == f"echo: session {i}\r\n".encode()
        conn.sendall(b"bye\n")
        while conn.recv(4096):
            pass


port, sessions = int(sys.argv[1]), int(sys.argv[2])
concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 4
with ThreadPoolExecutor(concurrency) as pool:
    list(pool.map(session, range(sessions)))
print(f"done {sessions}", flush=True)
