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
import type { ConnectionOptions } from './connection-defaults.js';
import { HeldConnections } from './held-connections.js';
import { removeItem } from './list.js';
import { plainAddress } from './plain-address.js';
import { inheritProxiedPeer, type ProxySettings } from './proxy-protocol.js';
import type { RequestServer } from './request-server.js';
import type { ServerTls } from './server-tls.js';
import type { EngineSlot } from './slot.js';
import type { SocketTable } from './socket-table.js';
import { StreamSocket } from './stream-socket.js';
import { HandshakeGate, type HandshakeLimits } from './tls-handshakes.js';
import type { UnboundSocket } from './unbound-socket.js';
import { isUnixAddress } from '../unix-address.js';

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
  /** The 'proxy' option: a PROXY protocol header is read first (proxy-protocol.ts). */
  readonly proxy: ProxySettings;
  /** TCPListen was called: TCPAccept may take connections. */
  listening = false;
  /** Connections reset because `backlog` of them were already waiting. */
  refused = 0;
  /** False once told to stop taking connections (stopAccepting). */
  accepting = true;
  /** TLS handshakes in flight, bounded by the 'handshakes' and 'handshaketimeout' options. */
  readonly handshakes: HandshakeGate;
  /** Connections taken from the kernel and still open here, whatever their stage (the 'held' option). */
  readonly held: HeldConnections;
  readonly handshakeLimits: HandshakeLimits;
  private readonly waiting: Arrival[] = [];
  private readonly acceptors: EngineSlot[] = [];
  private closed = false;
  /** serve()'s request handlers: connections go to this watch instead of TCPAccept (watchRequests). */
  requests: RequestServer | undefined;
  /** A Unix-domain listener's path or '@name' (its `address` option): its and its connections' address. */
  readonly unixAddress: string | undefined;
  /** The 'mode' option it was bound with (the socket file's permissions), -1 for none. */
  readonly mode: number;

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
    this.proxy = from.proxy;
    this.handshakeLimits = from.handshakeLimits;
    this.unixAddress = from.address !== undefined && isUnixAddress(from.address) ? from.address : undefined;
    this.mode = from.mode;
    this.handshakes = new HandshakeGate(from.handshakeLimits);
    this.held = new HeldConnections(from.heldFd);
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

  private onConnection(socket: Socket, headerRead = false): void {
    if (!headerRead) this.held.take(socket);
    if (this.proxy.enabled && !headerRead) {
      // The header comes before anything else, TLS included; the plain stream was left
      // paused with the bytes behind the header, for the StreamSocket made here to read.
      return this.proxy.read(socket, () => {
        this.onConnection(socket, true);
        if (this.tls.context === undefined) socket.resume();
      });
    }
    if (this.closed || this.waiting.length >= this.backlog) return this.refuse(socket);
    // Read per connection: cert, key or sni set on the listening socket apply to new handshakes.
    const tlsOptions = this.tls.handshakeOptions();
    if (tlsOptions === undefined) return this.arrive(this.stream(socket, false, socket));
    this.handshakes.start(socket, tlsOptions, {
      secure: (secure) => {
        inheritProxiedPeer(secure, socket);
        // The queue may have filled while this client shook hands.
        if (this.waiting.length >= this.backlog && !this.closed) return this.refuse(socket, secure);
        this.arrive(this.stream(secure, true, socket));
      },
      failed: (reason) => {
        if (this.waiting.length < this.backlog) this.arrive({ reason });
      },
    });
  }

  /** A connection of this listener, let go of when it is closed. */
  private stream(socket: Socket, secure: boolean, raw: Socket): StreamSocket {
    const stream = new StreamSocket(socket, secure, raw, this.connection);
    stream.unixAddress = this.unixAddress;
    stream.onRelease = () => this.held.letGo(raw);
    return stream;
  }

  /** Resets a connection the queue has no place for (as a full kernel backlog would refuse it). */
  private refuse(socket: Socket, secure?: Socket): void {
    this.held.letGo(socket);
    if (!this.closed) {
      this.refused++;
      debugEvent('refused connections', () => `refused ${socket.remoteAddress ?? this.unixAddress}:${socket.remotePort ?? 0}: ${this.backlog} already waiting (backlog)`);
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
    if (this.requests !== undefined) {
      if (arrival instanceof StreamSocket) return this.requests.arrive(arrival);
      this.requests.handshakeFailures++;
      return;
    }
    if (arrival instanceof StreamSocket) {
      // A client that gives up before being accepted leaves the queue.
      arrival.socket.once('close', () => removeItem(this.waiting, arrival));
    }
    this.waiting.push(arrival);
    this.serveAcceptors();
  }

  /**
   * serve()'s request handlers take over: connections go to `requests` from now on, and
   * those already waiting here go first, in their order. node:net listens at TCPBind, so
   * on a port with traffic some arrive before this (a restart, a new process on a shared
   * port): they are the first to serve, not a reason to refuse.
   */
  watchRequests(requests: RequestServer): void {
    this.requests = requests;
    for (const arrival of this.waiting.splice(0)) this.arrive(arrival);
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
    slot.replyText(this.table.add(arrival), plainAddress(remoteAddress ?? arrival.unixAddress ?? ''), remotePort ?? 0);
    return true;
  }

  private serveAcceptors(): void {
    while (this.acceptors.length > 0 && this.waiting.length > 0) this.tryAccept(this.acceptors.shift()!);
  }

  /**
   * The 'accepting' option set to 0: take no more connections from the kernel (this
   * process's descriptor of the port closes; other processes sharing it go on), while
   * those already here stay for TCPAccept, and serve()'s watch goes on serving its own
   * (request-server.ts, drain). How a draining process lets go of its port.
   */
  stopAccepting(): void {
    this.accepting = false;
    this.server.close();
    this.requests?.drain();
  }

  /** Its thread ended: a TCPAccept it had parked is dropped (Engine.forgetSlot). */
  forget(slot: EngineSlot): void {
    removeItem(this.acceptors, slot);
  }

  /** TCPClose: stop listening, reset connections never accepted, wake parked accepts. */
  release(): void {
    this.closed = true;
    this.server.close();
    this.requests?.release();
    this.handshakes.closeAll();
    for (const slot of this.acceptors.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const arrival of this.waiting.splice(0)) if (arrival instanceof StreamSocket) arrival.release(2);
  }
}
