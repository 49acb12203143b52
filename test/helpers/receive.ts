/** Receive loops the tests share (a blocking receive returns *some* data, not all). */
import { TCPReceive } from '../../src/index.js';

/** Exactly n bytes, failing the test (by throwing) on an error or early end. */
export function receiveExactly(socket: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = TCPReceive(socket, out.subarray(got));
    if (r <= 0) throw new Error(`receive gave ${r} after ${got} of ${n} bytes`);
    got += r;
  }
  return out;
}

/** Everything until the peer closes, as UTF-8 text. */
export function receiveUntilClosed(socket: number): string {
  const buffer = new Uint8Array(65536);
  const parts: Buffer[] = [];
  for (;;) {
    const r = TCPReceive(socket, buffer);
    if (r === 0) return Buffer.concat(parts).toString();
    if (r < 0) throw new Error(`receive gave ${r}`);
    parts.push(Buffer.from(buffer.subarray(0, r)));
  }
}
