"""UDP peers of the datagram bench (bench/udp.ts), each in its own process.

  echo                      a blocking recvfrom/sendto echo server; prints its port
  pingpong PORT N SIZE      a blocking client: N round trips to PORT; prints the median ns
  flood PORT N SIZE         sends N datagrams of SIZE bytes to PORT as fast as it can; prints N
  receive N                 a blocking recvfrom loop; prints its port, then, once N datagrams
                            came or none for 0.5 s, "received seconds" (first to last datagram)
"""
import socket
import sys
import time


def main():
    mode = sys.argv[1]
    if mode == 'echo':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('127.0.0.1', 0))
        print(s.getsockname()[1], flush=True)
        while True:
            data, peer = s.recvfrom(65536)
            s.sendto(data, peer)
    elif mode == 'pingpong':
        port, n, size = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        out = b'x' * size
        samples = []
        for _ in range(n):
            start = time.perf_counter_ns()
            s.sendto(out, ('127.0.0.1', port))
            s.recvfrom(65536)
            samples.append(time.perf_counter_ns() - start)
        samples.sort()
        print(samples[len(samples) // 2], flush=True)
    elif mode == 'flood':
        port, n, size = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        out = b'y' * size
        target = ('127.0.0.1', port)
        for _ in range(n):
            s.sendto(out, target)
        print(n, flush=True)
    elif mode == 'receive':
        n = int(sys.argv[2])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        s.bind(('127.0.0.1', 0))
        print(s.getsockname()[1], flush=True)
        received = 0
        first = last = 0.0
        s.settimeout(None)
        s.recvfrom(65536)
        first = last = time.perf_counter()
        received = 1
        s.settimeout(0.5)
        try:
            while received < n:
                s.recvfrom(65536)
                received += 1
                last = time.perf_counter()
        except socket.timeout:
            pass
        print(received, last - first, flush=True)


if __name__ == '__main__':
    main()
