/**
 * A bound socket (TCPBind) that becomes a listener (TCPListen): a node:net Server, the
 * connections it has accepted that nobody has taken yet, and the TCPAccept calls parked
 * on it.
 *
 * node:net cannot bind without listening, so the kernel starts queueing connections at
 * TCPBind; they wait here until TCPListen lets TCPAccept hand them out. Connections
 * beyond `backlog` waiting here are reset, as a full kernel backlog would refuse them.
 */
import type { Server, Socket } from 'node:net';
import { ErrorCode } from '../errors.js';
import { removeItem } from './list.js';
import type { EngineSlot } from './slot.js';
import type { SocketTable } from './socket-table.js';
import { StreamSocket } from './stream-socket.js';
import type { UnboundSocket } from './unbound-socket.js';

export class ListenerSocket {
  blocking: boolean;
  timeoutMs: number;
  readonly backlog: number;
  /** TCPListen was called: TCPAccept may take connections. */
  listening = false;
  private readonly waiting: StreamSocket[] = [];
  private readonly acceptors: EngineSlot[] = [];
  private closed = false;

  constructor(
    readonly server: Server,
    from: UnboundSocket,
    private readonly table: SocketTable,
  ) {
    this.blocking = from.blocking;
    this.timeoutMs = from.timeoutMs;
    this.backlog = from.backlog;
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    server.on('error', () => {}); // accept errors (EMFILE) are retried by node; nothing to hand out
  }

  get queued(): number {
    return this.waiting.length;
  }

  private onConnection(socket: Socket): void {
    if (this.closed || this.waiting.length >= this.backlog) {
      socket.on('error', () => {});
      socket.resetAndDestroy();
      return;
    }
    // Wrapped at once so that what the client sends before TCPAccept is kept.
    const stream = new StreamSocket(socket, false);
    // A client that gives up before being accepted leaves the queue.
    socket.once('close', () => removeItem(this.waiting, stream));
    this.waiting.push(stream);
    this.serveAcceptors();
  }

  /** TCPAccept: the next queued connection's new number, or park / -10035. */
  accept(slot: EngineSlot): void {
    if (!this.listening) return slot.reply(ErrorCode.InvalidArgument);
    if (this.acceptors.length === 0 && this.tryAccept(slot)) return;
    if (!this.blocking) return slot.reply(ErrorCode.WouldBlock);
    this.acceptors.push(slot);
    slot.park(this.timeoutMs, () => removeItem(this.acceptors, slot));
  }

  private tryAccept(slot: EngineSlot): boolean {
    const stream = this.waiting.shift();
    if (stream === undefined) return false;
    stream.blocking = this.blocking; // the accepted socket inherits the listener's mode
    slot.reply(this.table.add(stream));
    return true;
  }

  private serveAcceptors(): void {
    while (this.acceptors.length > 0 && this.waiting.length > 0) this.tryAccept(this.acceptors.shift()!);
  }

  /** TCPClose: stop listening, reset connections never accepted, wake parked accepts. */
  release(): void {
    this.closed = true;
    this.server.close();
    for (const slot of this.acceptors.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const stream of this.waiting.splice(0)) stream.release(2);
  }
}
