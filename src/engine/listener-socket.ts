/**
 * A bound socket (TCPBind) that becomes a listener (TCPListen): a node:net Server, the
 * connections it has accepted that nobody has taken yet, and the TCPAccept calls parked
 * on it.
 *
 * node:net cannot bind without listening, so the kernel starts queueing connections at
 * TCPBind; they wait here until TCPListen lets TCPAccept hand them out. Connections
 * beyond `backlog` waiting here are reset, as a full kernel backlog would refuse them.
 *
 * With server-side TLS ('cert' and 'key' options), a connection joins the queue once its
 * handshake is over: as a connected socket, or as that client's -1021 failure, which the
 * next TCPAccept returns (with the reason for WebDevGetSecureError) while the listener
 * goes on. Handshakes in flight are bounded apart from the queue (tls-handshakes.ts).
 */
import type { Server, Socket } from 'node:net';
import { debugEvent } from '../diagnostics/debug-log.js';
import { ErrorCode } from '../errors.js';
import type { ConnectionOptions } from './connection-options.js';
import { removeItem } from './list.js';
import { plainAddress } from './ops/addresses.js';
import type { ServerTls } from './server-tls.js';
import type { EngineSlot } from './slot.js';
import type { SocketTable } from './socket-table.js';
import { StreamSocket } from './stream-socket.js';
import { HandshakeGate, type HandshakeLimits } from './tls-handshakes.js';
import type { UnboundSocket } from './unbound-socket.js';

/** A client whose TLS handshake failed: what TCPAccept returns for it. */
interface HandshakeFailure {
  reason: string;
}

type Arrival = StreamSocket | HandshakeFailure;

export class ListenerSocket {
  blocking: boolean;
  /** Options for the connections it accepts; `timeoutMs` bounds TCPAccept too. */
  readonly connection: ConnectionOptions;
  readonly backlog: number;
  readonly family: number;
  readonly tls: ServerTls;
  /** TCPListen was called: TCPAccept may take connections. */
  listening = false;
  /** Connections reset because `backlog` of them were already waiting. */
  refused = 0;
  /** TLS handshakes in flight, bounded by the 'handshakes' and 'handshaketimeout' options. */
  readonly handshakes: HandshakeGate;
  readonly handshakeLimits: HandshakeLimits;
  private readonly waiting: Arrival[] = [];
  private readonly acceptors: EngineSlot[] = [];
  private closed = false;

  constructor(
    readonly server: Server,
    from: UnboundSocket,
    private readonly table: SocketTable,
  ) {
    this.blocking = from.blocking;
    this.connection = from.connection;
    this.backlog = from.backlog;
    this.family = from.family;
    this.tls = from.tls;
    this.handshakeLimits = from.handshakeLimits;
    this.handshakes = new HandshakeGate(from.handshakeLimits);
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    server.on('error', () => {}); // accept errors (EMFILE) are retried by node; nothing to hand out
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** TCPAccept calls parked on it, for TCPStats. */
  get parked(): number {
    return this.acceptors.length;
  }

  private onConnection(socket: Socket): void {
    if (this.closed || this.waiting.length >= this.backlog) return this.refuse(socket);
    const context = this.tls.context;
    if (context === undefined) return this.arrive(new StreamSocket(socket, false, socket, this.connection));
    this.handshakes.start(socket, context, {
      secure: (secure) => {
        // The queue may have filled while this client shook hands.
        if (this.waiting.length >= this.backlog && !this.closed) return this.refuse(socket, secure);
        this.arrive(new StreamSocket(secure, true, socket, this.connection));
      },
      failed: (reason) => {
        if (this.waiting.length < this.backlog) this.arrive({ reason });
      },
    });
  }

  /** Resets a connection the queue has no place for (as a full kernel backlog would refuse it). */
  private refuse(socket: Socket, secure?: Socket): void {
    if (!this.closed) {
      this.refused++;
      debugEvent('refused connections', () => `refused ${socket.remoteAddress}:${socket.remotePort}: ${this.backlog} already waiting (backlog)`);
    }
    socket.on('error', () => {});
    socket.resetAndDestroy();
    secure?.destroy();
  }

  private arrive(arrival: Arrival): void {
    if (this.closed) {
      if (arrival instanceof StreamSocket) arrival.release(2);
      return;
    }
    if (arrival instanceof StreamSocket) {
      // A client that gives up before being accepted leaves the queue.
      arrival.socket.once('close', () => removeItem(this.waiting, arrival));
    }
    this.waiting.push(arrival);
    this.serveAcceptors();
  }

  /** TCPAccept: the next queued connection's new number, or park / -10035. */
  accept(slot: EngineSlot): void {
    if (!this.listening) return slot.reply(ErrorCode.InvalidArgument);
    if (this.acceptors.length === 0 && this.tryAccept(slot)) return;
    if (!this.blocking) return slot.reply(ErrorCode.WouldBlock);
    this.acceptors.push(slot);
    slot.park(this.connection.timeoutMs, () => removeItem(this.acceptors, slot));
  }

  private tryAccept(slot: EngineSlot): boolean {
    const arrival = this.waiting.shift();
    if (arrival === undefined) return false;
    if (!(arrival instanceof StreamSocket)) {
      slot.replyText(ErrorCode.TlsError, arrival.reason);
      return true;
    }
    arrival.blocking = this.blocking; // the accepted socket inherits the listener's mode
    // The peer comes along (text: its address; reply arg: its port), for serve() to pass
    // to the handler without asking again.
    const { remoteAddress, remotePort } = arrival.socket;
    slot.replyText(this.table.add(arrival), plainAddress(remoteAddress ?? ''), remotePort ?? 0);
    return true;
  }

  private serveAcceptors(): void {
    while (this.acceptors.length > 0 && this.waiting.length > 0) this.tryAccept(this.acceptors.shift()!);
  }

  /** TCPClose: stop listening, reset connections never accepted, wake parked accepts. */
  release(): void {
    this.closed = true;
    this.server.close();
    this.handshakes.closeAll();
    for (const slot of this.acceptors.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const arrival of this.waiting.splice(0)) if (arrival instanceof StreamSocket) arrival.release(2);
  }
}
