"""A UDP peer for test/udp.test.ts, driven line by line on stdin.

    python3 udp_peer.py FAMILY ADDRESS [echo] [reuse] [port=N]

Binds a SOCK_DGRAM socket of FAMILY (4 or 6) to ADDRESS and port N (0: one the system
chooses; `reuse`: SO_REUSEADDR first, to share a multicast group's port), prints the port, then:
- prints `got HOST PORT HEX` for every datagram it receives (and, with `echo`, sends it back
  to its sender);
- on stdin, `send HOST PORT HEX` sends one datagram and prints `sent N`;
  `flood HOST PORT COUNT SIZE` sends COUNT datagrams of SIZE bytes and prints `flooded COUNT`;
  `join GROUP INTERFACE` joins an IPv4 multicast group (IP_ADD_MEMBERSHIP) and prints `joined`,
  `leave GROUP INTERFACE` leaves it (IP_DROP_MEMBERSHIP) and prints `left`.

It exits when stdin closes (so a test that dies leaves nothing running) or after 120 s.
"""
import os
import socket
import sys
import threading

family = socket.AF_INET6 if sys.argv[1] == '6' else socket.AF_INET
address = sys.argv[2]
options = sys.argv[3:]
echo = 'echo' in options
port = next((int(o[5:]) for o in options if o.startswith('port=')), 0)

sock = socket.socket(family, socket.SOCK_DGRAM)
if family == socket.AF_INET:
    # Multicast: the test's group datagrams go out on loopback.
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('127.0.0.1'))
if 'reuse' in options:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind((address, port))
out_lock = threading.Lock()


def say(line):
    with out_lock:
        sys.stdout.write(line + '\n')
        sys.stdout.flush()


say(str(sock.getsockname()[1]))


def receive():
    while True:
        try:
            data, sender = sock.recvfrom(70000)
        except OSError:
            return
        if echo:
            sock.sendto(data, sender)
        say('got %s %d %s' % (sender[0], sender[1], data.hex()))


threading.Thread(target=receive, daemon=True).start()
# A bound on the peer's life, whatever the test does.
threading.Timer(120, lambda: os._exit(3)).start()

for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == 'send':
        say('sent %d' % sock.sendto(bytes.fromhex(words[3] if len(words) > 3 else ''), (words[1], int(words[2]))))
    elif words[0] == 'flood':
        count, size = int(words[3]), int(words[4])
        for i in range(count):
            sock.sendto(bytes([i % 256]) * size, (words[1], int(words[2])))
        say('flooded %d' % count)
    elif words[0] == 'join':
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(words[1]) + socket.inet_aton(words[2]))
        say('joined')
    elif words[0] == 'leave':
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, socket.inet_aton(words[1]) + socket.inet_aton(words[2]))
        say('left')
os._exit(0)
