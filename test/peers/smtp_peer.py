#!/usr/bin/env python3
"""A small SMTP server that answers STARTTLS with Python's ssl module (RFC 3207).

    python3 smtp_peer.py CERT KEY

Prints its port first, serves each connection on a thread, exits when stdin closes.
It refuses MAIL before STARTTLS (530), and prints each mail it accepts as one JSON line:
{"from", "to", "tls" (the protocol version), "body"}. Text pipelined after STARTTLS (the
STARTTLS injection of CVE-2011-0411) is refused, never read as if it came encrypted.
"""
import json
import socket
import ssl
import sys

from accept_threads import serve_until_stdin_closes


class Lines:
    def __init__(self, conn):
        self.conn, self.buf = conn, b""

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.conn.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line.decode("utf-8")


def session(conn, context):
    reader, tls, mail = Lines(conn), None, {}
    send = lambda text: reader.conn.sendall(text.encode("utf-8"))
    send("220 localhost ESMTP tcp-commands test peer\r\n")
    while True:
        try:
            line = reader.line()
        except EOFError:
            return
        verb = line[:4].upper()
        if verb in ("EHLO", "HELO"):
            send("250-localhost greets you\r\n" + ("250 8BITMIME\r\n" if tls else "250-8BITMIME\r\n250 STARTTLS\r\n"))
        elif line.upper() == "STARTTLS" and tls is None:
            if reader.buf:
                send("501 pipelined text after STARTTLS refused\r\n")
                return
            send("220 Ready to start TLS\r\n")
            reader.conn = context.wrap_socket(reader.conn, server_side=True)
            tls = reader.conn.version()
        elif verb == "MAIL":
            if tls is None:
                send("530 Must issue a STARTTLS command first\r\n")
                continue
            mail = {"from": line.split(":", 1)[1].strip(), "to": [], "tls": tls}
            send("250 OK\r\n")
        elif verb == "RCPT":
            mail["to"].append(line.split(":", 1)[1].strip())
            send("250 OK\r\n")
        elif verb == "DATA":
            send("354 End data with <CR><LF>.<CR><LF>\r\n")
            body = []
            while True:
                data_line = reader.line()
                if data_line == ".":
                    break
                body.append(data_line[1:] if data_line.startswith("..") else data_line)
            mail["body"] = "\r\n".join(body)
            print(json.dumps(mail), flush=True)
            send("250 OK: queued\r\n")
        elif verb == "QUIT":
            send("221 Bye\r\n")
            return
        else:
            send("502 Command not implemented\r\n")


def serve(conn, context):
    try:
        with conn:
            session(conn, context)
    except (OSError, ssl.SSLError, EOFError):
        pass


def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    serve_until_stdin_closes(server, lambda conn: serve(conn, context))


if __name__ == "__main__":
    main()
