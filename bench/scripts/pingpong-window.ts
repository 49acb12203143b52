// The 8-thread figure's task on a pool thread (bench/threads8.ts): connects, warms up,
// waits for the shared start time, then runs 64-byte round trips with our blocking
// commands until the window ends. Returns how many it made.
import { writeFileSync } from 'node:fs';
import { TCPClose, TCPConnect, TCPReceive, TCPSend } from '../../src/index.js';

const SIZE = 64;

export default function pingPongWindow(port: number, startAt: number, seconds: number, warmUp: number): number {
  try {
    writeFileSync('/proc/thread-self/comm', 'pool'); // for per-thread switch counts (bench/switches.ts)
  } catch {
    // not Linux
  }
  const s = TCPConnect('127.0.0.1', port);
  if (s < 0) throw new Error(`TCPConnect gave ${s}`);
  const out = new Uint8Array(SIZE);
  const back = new Uint8Array(SIZE);
  const trip = (): void => {
    TCPSend(s, out);
    for (let got = 0; got < SIZE; ) {
      const n = TCPReceive(s, back.subarray(got));
      if (n <= 0) throw new Error(`TCPReceive gave ${n}`);
      got += n;
    }
  };
  for (let i = 0; i < warmUp; i++) trip();
  const wait = startAt - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  const end = startAt + seconds * 1000;
  let trips = 0;
  while (Date.now() < end) {
    trip();
    trips++;
  }
  TCPClose(s);
  return trips;
}
