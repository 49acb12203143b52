# The throughput benchmark's Python peer: socketserver.ThreadingTCPServer, a thread per
# connection with blocking sockets, doing the same work as the others (64-byte requests,
# each answered with the same 64 bytes, until the client closes). Prints its port; exits
# when stdin closes. A line `rusage` on stdin: prints its context switches so far as JSON
# (getrusage(RUSAGE_SELF): every thread, ended ones too; bench/servers/rusage.mjs).
import json
import resource
import socket
import socketserver
import sys
import threading

SIZE = 64


class Echo64(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            data = b''
            while len(data) < SIZE:
                chunk = sock.recv(SIZE - len(data))
                if not chunk:
                    return
                data += chunk
            sock.sendall(data)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


server = Server(('127.0.0.1', 0), Echo64)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
for line in sys.stdin:
    if line.strip() == "rusage":
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({"voluntary": usage.ru_nvcsw, "forced": usage.ru_nivcsw}), flush=True)
server.shutdown()
