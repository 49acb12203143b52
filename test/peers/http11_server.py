#!/usr/bin/env python3
"""Python's http.server speaking HTTP/1.1 with kept-alive connections, for the examples.

    python3 http11_server.py

Prints its port first; exits when stdin closes. GET /fixed answers with a Content-Length
body; GET /chunked with Transfer-Encoding: chunked, three chunks sent as separate
segments (a trailer header after the last); anything else 404 with a Content-Length.
"""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in ["chunked ", "bödy in ", "three pieces"]:
                data = piece.encode("utf-8")
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                time.sleep(0.05)
            self.wfile.write(b"0\r\nX-Trailer: done\r\n\r\n")
            return
        body = "a fixed bödy of known length".encode("utf-8") if self.path == "/fixed" else b"not found"
        self.send_response(200 if self.path == "/fixed" else 404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
