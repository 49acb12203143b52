/**
 * After a TLS socket's bytes answered a parked receive, the request ring spins for the
 * caller's next request (RequestRing.expectRequest), as it does after a datagram went to a
 * parked receive (datagram-socket.ts).
 *
 * Why TLS: its sockets stay on the engine path (the descriptor carries ciphertext, so no
 * direct call can read it), and a request/response loop over TLS is receive (parked until
 * the peer answers), then send at once. The answer to the receive goes out from node's
 * read callback, after which the engine sleeps in its event loop; the caller's TCPSend a
 * few microseconds later had to wake it (Atomics.waitAsync's notification, then the
 * kernel's wake-up): 40-90 us of a TLS ping-pong's 80-120 us on this 2-core machine
 * (bench `tlspingpong`, the send timed apart). Spinning right after the read callback
 * catches that send at once; the spin's length is the ring's learned one (5-50 us,
 * halved while it catches nothing), so a connection whose receives are not followed by
 * requests costs a few microseconds per answered read.
 */
import type { Socket } from 'node:net';
import type { StreamSocket } from './stream-socket.js';

let expectRequest: () => void = () => {};

/** The ring's hook (engine-thread.ts). */
export function expectRequestsAfterTlsReads(expect: () => void): void {
  expectRequest = expect;
}

/**
 * Watches `socket`, the TLSSocket `stream` reads: when the bytes of one read were taken
 * (partly or all) by receives waiting for them (StreamSocket.onData answers those within
 * the 'data' event), the ring spins for the next request once the callback is over.
 * Call it after the StreamSocket listens to `socket` (its constructor, or upgradeTo).
 */
export function spinAfterAnsweredTlsReads(socket: Socket, stream: StreamSocket): void {
  let queuedBefore = 0;
  socket.prependListener('data', () => {
    queuedBefore = stream.bytesQueued;
  });
  socket.on('data', (chunk: Buffer) => {
    if (stream.bytesQueued < queuedBefore + chunk.length) expectRequest();
  });
}
