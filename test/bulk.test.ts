// 64 MiB each way through a Python peer, checked by SHA-256 on both ends.
import test from 'ava';
import { createHash, randomFillSync } from 'node:crypto';
import { TCPClose, TCPConnect, TCPReceive, TCPSend } from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveUntilClosed } from './helpers/receive.js';

const SIZE = 64 * 1024 * 1024;

test('64 MiB to a Python sink in one TCPSend, checksummed', async (t) => {
  const peer = await startPythonPeer('sink');
  try {
    const data = randomFillSync(new Uint8Array(SIZE));
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSend(s, data), SIZE);
    t.is(TCPClose(s, 1), 0);
    const [digest, count] = receiveUntilClosed(s).trim().split(' ');
    t.is(Number(count), SIZE);
    t.is(digest, createHash('sha256').update(data).digest('hex'));
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('64 MiB from a Python source, checksummed', async (t) => {
  const peer = await startPythonPeer('source');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSend(s, `${SIZE}\n`), String(SIZE).length + 1);
    const hash = createHash('sha256');
    const buffer = new Uint8Array(256 * 1024);
    const trailer: number[] = [];
    let total = 0;
    for (;;) {
      const n = TCPReceive(s, buffer);
      t.true(n >= 0, `receive failed: ${n}`);
      if (n <= 0) break;
      // The last 32 bytes of the stream are the source's own digest.
      const dataBytes = Math.max(0, Math.min(n, SIZE - total));
      hash.update(buffer.subarray(0, dataBytes));
      trailer.push(...buffer.subarray(dataBytes, n));
      total += n;
    }
    t.is(total, SIZE + 32);
    t.is(Buffer.from(trailer).toString('hex'), hash.digest('hex'));
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});
