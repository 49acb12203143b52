// TCPSend(socket, [part, ...]): one atomic send of strings and byte arrays, checked by a
// Python peer that verifies every record's digest and framing.
import test from 'ava';
import { createHash } from 'node:crypto';
import { TCPClose, TCPConnect, TCPReceiveUntil, TCPSend } from '../src/index.js';
import { startProtocolPeer } from './helpers/peers.js';
import { startWorkerFixture } from './helpers/worker.js';

const MIB = 1024 * 1024;

function record(fill: number): [string, Uint8Array, string] {
  const payload = new Uint8Array(MIB).fill(fill);
  return [`MSG ${MIB} ${createHash('sha256').update(payload).digest('hex')}\n`, payload, 'END\n'];
}

test('two threads sending gathered 1 MiB records on one socket never interleave them', async (t) => {
  const peer = await startProtocolPeer('frames');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    const count = 12;
    const go = new SharedArrayBuffer(4);
    const other = startWorkerFixture('gather-sender.ts', { socket: s, count, fill: 100, go });
    t.is(await other.nextMessage(), 'ready');
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const ours: number[] = [];
    for (let i = 0; i < count; i++) ours.push(TCPSend(s, record(i)));
    const theirs = (await other.nextMessage()) as number[];
    t.is(await other.exited, 0);
    const size = record(0)[0].length + MIB + 4;
    t.deepEqual(ours, Array(count).fill(size), 'each gathered send reports all its bytes');
    t.deepEqual(theirs, Array(count).fill(size));
    t.is(TCPClose(s, 1), 0); // half-close: the peer answers at the end of the stream
    const answer = { value: '' };
    t.true(TCPReceiveUntil(s, answer) > 0);
    t.is(answer.value, `ok ${2 * count}\n`);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('parts may be strings, any byte view, holders; bad parts are -501, no parts send nothing', async (t) => {
  const peer = await startProtocolPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    const parts = ['héllo ', new Uint16Array([0x6961, 0x2020]), { value: 'x' }, new Uint8Array(0), '', 'z'];
    t.is(TCPSend(s, parts as never), 7 + 4 + 1 + 1);
    const back = { value: '' };
    t.is(TCPReceiveUntil(s, back, 'z'), 13);
    t.is(back.value, 'héllo ai  xz');
    t.is(TCPSend(s, ['a', 5] as never), -501);
    t.is(TCPSend(s, []), 0);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});
