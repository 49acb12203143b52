#!/usr/bin/env python3
"""The framing tests' peer: packs and unpacks typed records with Python's struct.

    python3 struct_peer.py

Prints its port; exits when its stdin closes. Each connection reads JSON lines:
  {"pack": FORMAT, "values": [...]}   sends the values packed as FORMAT, nothing else
  {"unpack": FORMAT}                  reads one record of FORMAT, answers a JSON line of values
The format is TCPSendData's (struct's letters and byte orders, plus z A r); every item is
packed by struct on its own. In JSON, 64-bit integers are strings and raw bytes hex.
"""
import json
import socket
import struct

from accept_threads import serve_until_stdin_closes

ORDERS = {">": ">", "!": ">", "<": "<", "=": "="}


def parse(fmt):
    items, order, i = [], ">", 0
    while i < len(fmt):
        c = fmt[i]
        if c in " \t":
            i += 1
            continue
        if c in ORDERS:
            order = ORDERS[c]
            i += 1
            continue
        digits = ""
        while fmt[i].isdigit():
            digits += fmt[i]
            i += 1
        items.append((fmt[i], int(digits) if digits else 1, order))
        i += 1
    return items


def pack(fmt, values):
    out, it = b"", iter(values)
    for kind, count, order in parse(fmt):
        if kind in "bBhHiIqQfd":
            for _ in range(count):
                value = next(it)
                out += struct.pack(order + kind, int(value) if kind in "qQ" else value)
        elif kind == "x":
            out += struct.pack(f"{count}x")
        elif kind == "s":
            out += struct.pack(f"{count}s", next(it).encode())
        elif kind == "A":
            out += next(it).encode().ljust(count, b" ")[:count]
        elif kind == "r":
            out += bytes.fromhex(next(it))
        elif kind == "z":
            for _ in range(count):
                out += next(it).encode() + b"\0"
    return out


class Reader:
    def __init__(self, conn):
        self.conn, self.buffer = conn, b""

    def exactly(self, n):
        while len(self.buffer) < n:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def line(self):
        while b"\n" not in self.buffer:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        data, _, self.buffer = self.buffer.partition(b"\n")
        return data


def unpack(reader, fmt):
    values = []
    for kind, count, order in parse(fmt):
        if kind in "bBhHiIqQfd":
            size = struct.calcsize(order + kind)
            for _ in range(count):
                (value,) = struct.unpack(order + kind, reader.exactly(size))
                values.append(str(value) if kind in "qQ" else value)
        elif kind == "x":
            reader.exactly(count)
        elif kind == "s":
            values.append(struct.unpack(f"{count}s", reader.exactly(count))[0].rstrip(b"\0").decode())
        elif kind == "A":
            values.append(reader.exactly(count).rstrip(b" ").decode())
        elif kind == "r":
            values.append(reader.exactly(count).hex())
        elif kind == "z":
            for _ in range(count):
                text = b""
                while (byte := reader.exactly(1)) != b"\0":
                    text += byte
                values.append(text.decode())
    return values


def serve(conn):
    reader = Reader(conn)
    with conn:
        try:
            while True:
                request = json.loads(reader.line())
                if "pack" in request:
                    conn.sendall(pack(request["pack"], request["values"]))
                else:
                    conn.sendall((json.dumps(unpack(reader, request["unpack"])) + "\n").encode())
        except (EOFError, OSError):
            pass


def main():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    serve_until_stdin_closes(server, serve)


if __name__ == "__main__":
    main()
