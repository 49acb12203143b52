/**
 * The event-style API for async code (4D's TCPConnection): callbacks instead of blocking
 * calls, on the same engine and the same socket numbers as the commands.
 *
 *   onConnection  once connected (or accepted)
 *   onData        for each chunk received, in order
 *   onShutdown    the peer closed its side (after its last onData)
 *   onError       the connection failed (code and text of the error table)
 *   onTerminate   always last: the connection is over and its socket closed
 *
 * `send` queues before the connection exists; sends go out in order. `shutdown`
 * half-closes after what was queued; `close` ends it; `wait` resolves when it is over.
 */
import { connectAsync, receiveAsync, sendAsync } from '../async/calls.js';
import { TCPGetRemoteAddr, TCPGetRemotePort } from '../commands/addresses.js';
import { TCPClose } from '../commands/close.js';
import { failureText } from '../commands/failure-text.js';
import { TCPSetOption } from '../commands/socket-options.js';
import { runCallback } from './callbacks.js';

/**
 * A connection's callbacks. The order: onConnection, onData..., then onShutdown and
 * onTerminate when the peer closes, or onError and onTerminate when the connection fails.
 */
export interface ConnectionEvents {
  /**
   * Once connected (or adopted, or accepted by a TCPListener): `socket`, `address` and
   * `port` (the peer's) are set.
   * @param connection - the connection
   */
  onConnection?(connection: TCPConnection): void;
  /**
   * For each chunk received, in order.
   * @param connection - the connection
   * @param data - a new array of at most 64 KiB
   */
  onData?(connection: TCPConnection, data: Uint8Array): void;
  /**
   * The peer has closed its side, after its last onData. Sends made here still go; then
   * the connection closes itself once its queued sends have gone.
   * @param connection - the connection
   */
  onShutdown?(connection: TCPConnection): void;
  /**
   * The connect, a receive or a send failed; the socket is then reset.
   * @param connection - the connection
   * @param code - an error code of the table (-10061, -10054, -522 after the `timeout` option, -1021, ...)
   * @param message - its text (after -1021 with WebDevGetSecureError()'s reason)
   */
  onError?(connection: TCPConnection, code: number, message: string): void;
  /**
   * Always, last, once: the connection is over and its socket closed (released).
   * @param connection - the connection
   */
  onTerminate?(connection: TCPConnection): void;
}

/** Options of a connection: TCPSetOption names and values, applied once it exists. */
export type ConnectionSettings = Partial<Record<'nodelay' | 'keepalive' | 'keepalivedelay' | 'timeout' | 'sndbuf' | 'rcvbuf', number | string>>;

/** TCPConnection.connect's options: where to connect, as TCPConnect's arguments, and the callbacks. */
export interface ConnectOptions extends ConnectionEvents {
  /** A host name, an IP literal, a path or '@name' (as TCPConnect's). */
  host: string;
  /** A port number or service name. */
  port: number | string;
  /** TLS (default false). */
  secure?: boolean;
  /** With `secure`: check the server's chain and name (default true). */
  verify?: boolean;
  /** TCPSetOption names and values, set once the connection exists, before onConnection; a value an option refuses is ignored. */
  options?: ConnectionSettings;
}

type State = 'connecting' | 'open' | 'shutdown' | 'closed';

/**
 * A connection that calls you back instead of blocking (after 4D's class of this name),
 * on the same engine and socket numbers as the commands; the thread's event loop stays free.
 */
export class TCPConnection {
  /** The socket number (0 while connecting): usable with every command. */
  socket = 0;
  /** The peer's address, once connected. */
  address = '';
  /** The peer's port, once connected. */
  port = 0;
  private state: State = 'connecting';
  /** Sends in order: each waits for the one before. */
  private sending: Promise<unknown> = Promise.resolve();
  private readonly pending: Array<Uint8Array> = [];
  /** What was asked before the connection existed, done once it does. */
  private after: 'shutdown' | 'close' | undefined;
  private readonly terminated: Promise<void>;
  private markTerminated!: () => void;

  private constructor(private readonly events: ConnectionEvents) {
    this.terminated = new Promise((resolve) => (this.markTerminated = resolve));
  }

  /**
   * Connects asynchronously, as TCPConnect does (its arguments, the comms time-out or
   * socket 0's `connecttimeout`, socket 0's defaults): events tell what happens.
   * @param options - host, port, secure, verify, options and the callbacks
   * @returns the connection, at once (`socket` is 0 until onConnection)
   */
  static connect(options: ConnectOptions): TCPConnection {
    const connection = new TCPConnection(options);
    void connectAsync(options.host, options.port, options.secure ?? false, options.verify ?? true).then((socket) => {
      if (socket < 0) return connection.fail(socket);
      connection.open(socket, options.options);
    });
    return connection;
  }

  /**
   * Wraps a socket someone else connected or accepted (TCPListener does).
   * @param socket - a connected socket number
   * @param events - the callbacks
   * @param options - TCPSetOption names and values to set first
   * @returns the connection; onConnection follows on a microtask
   */
  static adopt(socket: number, events: ConnectionEvents, options?: ConnectionSettings): TCPConnection {
    const connection = new TCPConnection(events);
    queueMicrotask(() => connection.open(socket, options));
    return connection;
  }

  /**
   * Whether the connection is over.
   * @returns true after onTerminate
   */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Queues bytes; sends go out in order, each after the one before. Before the connection
   * exists they wait for it (and go after onConnection). Ignored after shutdown() or close().
   * @param data - a string (sent as UTF-8) or bytes (copied: the caller may reuse them at once)
   */
  send(data: string | Uint8Array): void {
    if (this.state === 'closed' || this.state === 'shutdown' || this.after !== undefined) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    if (this.socket === 0) this.pending.push(bytes);
    else this.queueSend(bytes);
  }

  /** Half-closes (FIN) once what was queued has gone; the peer's data still comes. */
  shutdown(): void {
    if (this.state === 'closed' || this.state === 'shutdown') return;
    if (this.socket === 0) {
      this.after ??= 'shutdown';
      return;
    }
    this.state = 'shutdown';
    this.sending = this.sending.then(() => {
      if (this.state !== 'closed') TCPClose(this.socket, 1);
    });
  }

  /** Ends the connection (what was queued goes first); onTerminate follows. */
  close(): void {
    if (this.state === 'closed') return;
    if (this.socket === 0) {
      this.after = 'close';
      return;
    }
    void this.sending.then(() => this.terminate(0));
  }

  /**
   * Waits for the connection to be over.
   * @param timeoutMs - ms to wait at most; omitted: no limit
   * @returns a promise of true when the connection is over (after onTerminate), false if `timeoutMs` passed first
   */
  wait(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) return this.terminated.then(() => true);
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.terminated.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
  }

  private open(socket: number, options?: ConnectionSettings): void {
    this.socket = socket;
    this.state = 'open';
    const address = TCPGetRemoteAddr(socket);
    this.address = typeof address === 'string' ? address : '';
    this.port = Math.max(0, TCPGetRemotePort(socket));
    for (const [name, value] of Object.entries(options ?? {})) {
      if (value !== undefined) TCPSetOption(socket, name, value);
    }
    if (!runCallback(() => this.events.onConnection?.(this))) return this.terminate(2);
    for (const bytes of this.pending.splice(0)) this.queueSend(bytes);
    if (this.after === 'shutdown') this.shutdown();
    if (this.after === 'close') this.close();
    void this.readLoop();
  }

  private queueSend(bytes: Uint8Array): void {
    this.sending = this.sending.then(async () => {
      if (this.state === 'closed') return;
      const sent = await sendAsync(this.socket, bytes);
      if (sent < 0) this.fail(sent);
    });
  }

  private async readLoop(): Promise<void> {
    for (;;) {
      const received = await receiveAsync(this.socket);
      if (this.state === 'closed') return;
      if (typeof received === 'number') return this.fail(received);
      if (received.length === 0) break;
      if (!runCallback(() => this.events.onData?.(this, received))) return this.terminate(2);
    }
    if (!runCallback(() => this.events.onShutdown?.(this))) return this.terminate(2);
    // The peer is done; so are we once our queued sends have gone.
    await this.sending;
    this.terminate(0);
  }

  private fail(code: number): void {
    if (this.state === 'closed') return;
    const message = failureText(code, 'table');
    runCallback(() => this.events.onError?.(this, code, message));
    this.terminate(2);
  }

  private terminate(closeOption: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.socket !== 0) TCPClose(this.socket, closeOption);
    runCallback(() => this.events.onTerminate?.(this));
    this.markTerminated();
  }
}
