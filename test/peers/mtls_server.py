#!/usr/bin/env python3
"""A TLS server that requires a client certificate (Python's ssl, CERT_REQUIRED).

    python3 mtls_server.py tls|starttls CERT KEY CAFILE

Prints its port first, serves each connection on a thread, exits when stdin closes.
starttls: reads a plain line (STARTTLS), answers GO, then the handshake. After the
handshake it sends "hello <the client's CN>" and prints "GOT <line>" for the line the
client sends; a refused handshake prints "REFUSED <reason>".
"""
import socket
import ssl
import sys

from accept_threads import serve_until_stdin_closes

mode, cert, key, cafile = sys.argv[1:5]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.load_verify_locations(cafile)
context.verify_mode = ssl.CERT_REQUIRED


def serve(conn):
    try:
        if mode == "starttls":
            line = b""
            while not line.endswith(b"\n"):
                byte = conn.recv(1)
                if not byte:
                    return
                line += byte
            conn.sendall(b"GO\n")
        try:
            tls = context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as error:
            print("REFUSED", error, flush=True)
            return
        subject = dict(item[0] for item in tls.getpeercert()["subject"])
        tls.sendall(("hello " + subject["commonName"] + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            part = tls.recv(100)
            if not part:
                break
            data += part
        print("GOT", data.decode().strip(), flush=True)
        tls.close()
    finally:
        conn.close()


serve_until_stdin_closes(socket.create_server(("127.0.0.1", 0)), serve)
