#!/usr/bin/env python3
"""One request to a server of ours, for the serve() tests.

    python3 request.py PORT LINE [--host 127.0.0.1]

Connects, sends LINE and a newline, reads until the server closes, and prints
"reply <text>" (the reply, newlines stripped), or "reset" if the connection was reset,
or "refused" if it could not connect. Also prints its local port first: "port <n>".
"""
import socket
import sys

port, line = int(sys.argv[1]), sys.argv[2]
host = sys.argv[sys.argv.index("--host") + 1] if "--host" in sys.argv else "127.0.0.1"
try:
    sock = socket.create_connection((host, port), timeout=30)
except OSError:
    print("refused", flush=True)
    sys.exit(0)
print(f"port {sock.getsockname()[1]}", flush=True)
try:
    sock.sendall(line.encode() + b"\n")
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    print(f"reply {data.decode().strip()}", flush=True)
except socket.timeout:
    print("timeout", flush=True)
except (ConnectionResetError, BrokenPipeError):  # reset before or after our request went out
    print("reset", flush=True)
except OSError as error:  # anything else: say what, so a test can tell
    print(f"error {type(error).__name__}", flush=True)
