// serve() handler of the throughput benchmark: 64-byte requests, each answered with the
// same 64 bytes, until the client closes. The "work" is the same as the raw node:net
// server's (bench/servers/raw-node.mjs).
import { writeFileSync } from 'node:fs';
import { TCPReceive, TCPSend } from 'tcp-commands';

const SIZE = 64;

// Names this pool thread `pool` (its /proc comm) for the bench's per-thread switch counts
// (bench/switches.ts); every other thread of a node process is called `node`.
try {
  writeFileSync('/proc/thread-self/comm', 'pool');
} catch {
  // not Linux
}

export default function requestResponse(socket) {
  const buffer = new Uint8Array(SIZE);
  for (;;) {
    let got = 0;
    while (got < SIZE) {
      const n = TCPReceive(socket, buffer.subarray(got));
      if (n <= 0) return;
      got += n;
    }
    if (TCPSend(socket, buffer) < 0) return;
  }
}
