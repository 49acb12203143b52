// serve() request handler of the throughput and keep-alive benchmarks, plain JavaScript:
// one 64-byte request read (exactly: bytes beyond it stay for the next call), answered
// with the same 64 bytes. The connection then waits in the engine, holding no thread.
import { writeFileSync } from 'node:fs';
import { TCPClose, TCPReceive, TCPSend } from 'tcp-commands';

const SIZE = 64;

// Names this pool thread `pool` (its /proc comm) for the bench's per-thread switch counts
// (bench/switches.ts); every other thread of a node process is called `node`.
try {
  writeFileSync('/proc/thread-self/comm', 'pool');
} catch {
  // not Linux
}
const buffer = new Uint8Array(SIZE);

export function request(socket) {
  let got = 0;
  while (got < SIZE) {
    const n = TCPReceive(socket, buffer.subarray(got), SIZE - got);
    if (n <= 0) {
      TCPClose(socket);
      return;
    }
    got += n;
  }
  TCPSend(socket, buffer);
}
