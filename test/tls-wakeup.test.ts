// The engine's spin after a TLS read that answered a parked receive (src/engine/tls-wakeup.ts):
// the ring is told to expect the caller's next request only when the read's bytes went
// to waiting receives, not when they were queued for nobody.
import test from 'ava';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { StreamSocket } from '../src/engine/stream-socket.js';
import { expectRequestsAfterTlsReads, spinAfterAnsweredTlsReads } from '../src/engine/tls-wakeup.js';

/** A socket and a stream whose 'data' handler (registered first, as StreamSocket's constructor does) takes `taken` bytes of each chunk for waiting receives. */
function setUp(): { socket: EventEmitter; expected: () => number; takeNext: (bytes: number) => void } {
  let expects = 0;
  expectRequestsAfterTlsReads(() => expects++);
  const socket = new EventEmitter();
  const stream = { bytesQueued: 0 };
  let taken = 0;
  socket.on('data', (chunk: Buffer) => {
    stream.bytesQueued += chunk.length - Math.min(taken, chunk.length);
  });
  spinAfterAnsweredTlsReads(socket as unknown as Socket, stream as unknown as StreamSocket);
  return { socket, expected: () => expects, takeNext: (bytes) => (taken = bytes) };
}

test('a read nobody waited for is queued, and the ring is not told to spin', (t) => {
  const { socket, expected, takeNext } = setUp();
  takeNext(0);
  socket.emit('data', Buffer.alloc(64));
  socket.emit('data', Buffer.alloc(16));
  t.is(expected(), 0);
});

test('a read a parked receive took, whole or in part, tells the ring to spin for the next request', (t) => {
  const { socket, expected, takeNext } = setUp();
  takeNext(64);
  socket.emit('data', Buffer.alloc(64));
  t.is(expected(), 1, 'taken whole');
  takeNext(10);
  socket.emit('data', Buffer.alloc(64));
  t.is(expected(), 2, 'taken in part, the rest queued');
  takeNext(0);
  socket.emit('data', Buffer.alloc(64));
  t.is(expected(), 2, 'queued behind what is held: no receive answered');
});
