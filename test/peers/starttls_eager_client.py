#!/usr/bin/env python3
"""A STARTTLS client that does not wait: its "STARTTLS" line and its TLS ClientHello leave
in one write, so the server's read of the line may take the hello's bytes with it.

    python3 starttls_eager_client.py PORT

Prints "sent N" (the bytes of that first write), then, after the handshake (no
verification: the test is about bytes, not trust), sends "hello over tls" and prints the
server's reply line. Exits 0 on success.
"""
import socket
import ssl
import sys

raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")


def pump(step):
    """Runs step() until it needs no more bytes from the server."""
    while True:
        try:
            result = step()
            raw.sendall(outgoing.read())
            return result
        except ssl.SSLWantReadError:
            raw.sendall(outgoing.read())
            data = raw.recv(65536)
            if not data:
                raise SystemExit("the server closed during the handshake")
            incoming.write(data)


try:
    tls.do_handshake()
except ssl.SSLWantReadError:
    pass
first = b"STARTTLS\r\n" + outgoing.read()
raw.sendall(first)
print("sent", len(first), flush=True)
pump(tls.do_handshake)
tls.write(b"hello over tls\r\n")
raw.sendall(outgoing.read())
reply = b""
while not reply.endswith(b"\n"):
    reply += pump(lambda: tls.read(1024))
print(reply.decode().strip(), flush=True)
