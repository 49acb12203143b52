#!/usr/bin/env python3
"""Peers for the protocol tests (TCPReceiveUntil, gathered sends, encodings).

    python3 protocol_peer.py MODE

Prints its port first, serves each connection on a thread, exits when stdin closes.

  chunks  reads a line "<ms> <hex> <hex> ...\\n", sends each hex-decoded chunk as its own
          segment with <ms> milliseconds between them, then waits for the client to close
          ("<ms> end <hex> ..." closes after the last chunk instead)
  frames  reads records "MSG <n> <sha256 hex>\\n" + n bytes + "END\\n" until the end of
          the stream; checks each payload against its digest and that each record is
          whole (two records interleaved fail), then answers "ok <records>" or
          "bad <record> <why>" and prints the same line
  echo    sends back what it receives (bytes as they are: the encodings tests read them)
  codec   reads a first line naming a Python codec, then answers each line (decoded with
          that codec) in upper case, encoded with it, and prints the line it decoded
"""
import hashlib
import socket
import sys
import time

from accept_threads import serve_until_stdin_closes


class Reader:
    def __init__(self, conn):
        self.conn, self.buf = conn, b""

    def fill(self):
        data = self.conn.recv(1 << 20)
        if not data:
            raise EOFError
        self.buf += data

    def line(self):
        while b"\n" not in self.buf:
            self.fill()
        line, _, self.buf = self.buf.partition(b"\n")
        return line

    def exactly(self, n):
        while len(self.buf) < n:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


def chunks(conn):
    words = Reader(conn).line().decode().split()
    delay, close = float(words[0]) / 1000, words[1] == "end"
    for chunk in words[2 if close else 1:]:
        conn.sendall(bytes.fromhex(chunk))
        time.sleep(delay)
    if not close:
        while conn.recv(65536):
            pass


def frames(conn):
    reader, count, answer = Reader(conn), 0, None
    try:
        while answer is None:
            try:
                header = reader.line()
            except EOFError:
                break
            parts = header.split(b" ")
            if len(parts) != 3 or parts[0] != b"MSG":
                answer = f"bad {count} header {header[:40]!r}"
                break
            payload = reader.exactly(int(parts[1]))
            if hashlib.sha256(payload).hexdigest().encode() != parts[2]:
                answer = f"bad {count} digest"
            elif reader.exactly(4) != b"END\n":
                answer = f"bad {count} trailer"
            count += 1
    except EOFError:
        answer = f"bad {count} cut short"
    answer = answer or f"ok {count}"
    print(answer, flush=True)
    conn.sendall(answer.encode() + b"\n")


def echo(conn):
    while True:
        data = conn.recv(65536)
        if not data:
            break
        conn.sendall(data)


def codec(conn):
    reader = Reader(conn)
    name = reader.line().decode("ascii").strip()
    while True:
        try:
            line = reader.line()
        except EOFError:
            return
        text = line.decode(name)
        print(text, flush=True)
        conn.sendall((text.upper() + "\n").encode(name))


def serve(conn, handler):
    try:
        with conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            handler(conn)
    except OSError:
        pass


def main():
    handler = {"chunks": chunks, "frames": frames, "echo": echo, "codec": codec}[sys.argv[1]]
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    serve_until_stdin_closes(server, lambda conn: serve(conn, handler))


if __name__ == "__main__":
    main()
