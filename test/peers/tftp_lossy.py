"""A TFTP server (RFC 1350, one read, octet mode) that misbehaves on purpose, for
examples/tftp-get.ts's retransmission and transfer-ID rules:

    python3 tftp_lossy.py SIZE

Binds 127.0.0.1, port 0, prints the port, waits for one RRQ, and answers it from a new
port (its TID) with SIZE bytes (byte i is i % 251) in 512-byte blocks. It ignores the first
ACK of block 2 and does not send block 3 until that ACK comes again: only the client's
time-out retransmission moves the transfer on. Before block 4 a third socket (a stranger's
TID) sends the client a DATA packet, which the client must answer with ERROR 5 and
otherwise ignore. Prints `stranger ERRCODE`, then `done ACKS` (every ACK block number it
received) and exits; 30 s bound on the whole.
"""
import os
import socket
import struct
import sys
import threading

threading.Timer(30, lambda: os._exit(3)).start()
size = int(sys.argv[1])
content = bytes(i % 251 for i in range(size))

listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
listener.bind(('127.0.0.1', 0))
print(listener.getsockname()[1], flush=True)
request, client = listener.recvfrom(600)
assert struct.unpack('>H', request[:2])[0] == 1, request

tid = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tid.bind(('127.0.0.1', 0))
tid.settimeout(10)
acks = []
dropped = False
blocks = size // 512 + 1
for block in range(1, blocks + 1):
    if block == 4:
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        stranger.bind(('127.0.0.1', 0))
        stranger.settimeout(10)
        stranger.sendto(struct.pack('>HH', 3, 4) + b'not from the server', client)
        answer = stranger.recv(600)
        print('stranger %d' % struct.unpack('>HH', answer[:4])[1], flush=True)
    tid.sendto(struct.pack('>HH', 3, block) + content[(block - 1) * 512:block * 512], client)
    while True:
        answer, sender = tid.recvfrom(600)
        opcode, number = struct.unpack('>HH', answer[:4])
        acks.append(number)
        if opcode == 4 and number == block:
            if block == 2 and not dropped:
                dropped = True  # lost, as far as the client can tell: no retransmission from here
                continue
            break
print('done %s' % ','.join(map(str, acks)), flush=True)
os._exit(0)
