/**
 * The connections a listener has taken from the kernel and not let go of yet: from node's
 * accept (before any PROXY header or TLS handshake) until the engine begins to close them
 * (TCPClose, serve()'s watch, a refusal, the listener's close) or they close by
 * themselves. It is what a draining process waits for (the `held` option), and what its
 * clients would lose if the process died now.
 *
 * With the `heldfd` option the count is also written to that file at every change (a
 * 32-bit little-endian number at offset 0), where it outlives the process: the supervisor
 * of serve({ processes }) reads it when a serving process dies, so `lost` is the count of
 * that moment, not of the last periodic report. It is let go *before* the close begins,
 * because a death after a close has begun costs the client nothing it was still waiting
 * for; the one moment not covered is between the kernel's accept and node's 'connection'.
 */
import { writeSync } from 'node:fs';
import type { Socket } from 'node:net';

export class HeldConnections {
  private readonly held = new Set<Socket>();
  private readonly word = Buffer.alloc(4);

  constructor(private fd: number | undefined) {
    this.publish();
  }

  get count(): number {
    return this.held.size;
  }

  /** A connection node has just accepted: held until let go, or until it closes. */
  take(socket: Socket): void {
    this.held.add(socket);
    socket.once('close', () => this.letGo(socket));
    this.publish();
  }

  /** The engine begins to close it (or it closed): no longer this process's to lose. */
  letGo(socket: Socket): void {
    if (this.held.delete(socket)) this.publish();
  }

  private publish(): void {
    if (this.fd === undefined) return;
    this.word.writeInt32LE(this.held.size);
    try {
      writeSync(this.fd, this.word, 0, 4, 0);
    } catch {
      this.fd = undefined; // a descriptor that cannot take it: the `held` option still tells
    }
  }
}
