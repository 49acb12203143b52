#!/usr/bin/env python3
"""A real UDP peer for the serve and event tests: Python's blocking socket module on 127.0.0.1.

    python3 udp_client_peer.py MODE ARGS...

  peer                  binds a port and prints it; prints "got PORT TEXT" for each datagram
                        (PORT the sender's); reads commands on stdin: "send PORT TEXT" sends
                        TEXT to 127.0.0.1:PORT, "burst PORT N" sends "n 0" .. "n N-1";
                        exits when stdin closes
  clients PORT K N      K client threads, each with its own socket, send N datagrams each
                        ("cK mI") to PORT and wait for each answer, which must be the
                        datagram uppercased (a lost one is sent again, twice at most);
                        prints "ok ANSWERED failed FAILED"
  ask PORT TEXT         sends TEXT to PORT and prints the answer (5 s at most: "timeout")
"""
import socket
import sys
import threading

TARGET = '127.0.0.1'


def peer():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((TARGET, 0))
    print(s.getsockname()[1], flush=True)

    def commands():
        for line in sys.stdin:
            words = line.rstrip('\n').split(' ', 2)
            if words[0] == 'send':
                s.sendto(words[2].encode() if len(words) > 2 else b'', (TARGET, int(words[1])))
            elif words[0] == 'burst':
                for i in range(int(words[2])):
                    s.sendto(f'n {i}'.encode(), (TARGET, int(words[1])))
        # stdin closed: the test is over (or died)
        import os
        os._exit(0)

    threading.Thread(target=commands, daemon=True).start()
    while True:
        data, sender = s.recvfrom(65536)
        print(f'got {sender[1]} {data.decode(errors="replace")}', flush=True)


def client(port, k, n, results):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    answered = 0
    for i in range(n):
        text = f'c{k} m{i}'.encode()
        for _attempt in range(3):
            s.sendto(text, (TARGET, port))
            try:
                while True:
                    answer, _ = s.recvfrom(65536)
                    if answer == text.upper():
                        answered += 1
                        break
                    # a late answer to an earlier attempt: not this one's
                break
            except socket.timeout:
                continue
    results[k] = answered


def clients(port, k, n):
    results = [0] * k
    threads = [threading.Thread(target=client, args=(port, i, n, results)) for i in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f'ok {sum(results)} failed {k * n - sum(results)}', flush=True)


def ask(port, text):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(text.encode(), (TARGET, port))
    try:
        answer, _ = s.recvfrom(65536)
        print(answer.decode(errors='replace'), flush=True)
    except socket.timeout:
        print('timeout', flush=True)


def main():
    mode = sys.argv[1]
    if mode == 'peer':
        peer()
    elif mode == 'clients':
        clients(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif mode == 'ask':
        ask(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(f'unknown mode {mode}')


if __name__ == '__main__':
    main()
