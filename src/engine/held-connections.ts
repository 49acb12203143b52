/**
 * The connections a listener has taken from the kernel and not let go of yet: from node's
 * accept (before any PROXY header or TLS handshake) until the engine begins to close them
 * (TCPClose, serve()'s watch, a refusal, the listener's close) or they close by
 * themselves. It is what a draining process waits for (the `held` option).
 */
import type { Socket } from 'node:net';

export class HeldConnections {
  private readonly held = new Set<Socket>();

  get count(): number {
    return this.held.size;
  }

  /** A connection node has just accepted: held until let go, or until it closes. */
  take(socket: Socket): void {
    this.held.add(socket);
    socket.once('close', () => this.letGo(socket));
  }

  /** The engine begins to close it (or it closed). */
  letGo(socket: Socket): void {
    this.held.delete(socket);
  }
}
