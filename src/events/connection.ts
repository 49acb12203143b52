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

export interface ConnectionEvents {
  onConnection?(connection: TCPConnection): void;
  onData?(connection: TCPConnection, data: Uint8Array): void;
  onShutdown?(connection: TCPConnection): void;
  onError?(connection: TCPConnection, code: number, message: string): void;
  onTerminate?(connection: TCPConnection): void;
}

/** Options of a connection: TCPSetOption names and values, applied once it exists. */
export type ConnectionSettings = Partial<Record<'nodelay' | 'keepalive' | 'keepalivedelay' | 'timeout' | 'sndbuf' | 'rcvbuf', number | string>>;

export interface ConnectOptions extends ConnectionEvents {
  host: string;
  port: number | string;
  secure?: boolean;
  verify?: boolean;
  options?: ConnectionSettings;
}

type State = 'connecting' | 'open' | 'shutdown' | 'closed';

export class TCPConnection {
  /** The socket number (0 while connecting): usable with every command. */
  socket = 0;
  address = '';
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

  /** Connects (asynchronously: events tell what happens). */
  static connect(options: ConnectOptions): TCPConnection {
    const connection = new TCPConnection(options);
    void connectAsync(options.host, options.port, options.secure ?? false, options.verify ?? true).then((socket) => {
      if (socket < 0) return connection.fail(socket);
      connection.open(socket, options.options);
    });
    return connection;
  }

  /** Wraps a socket someone else connected or accepted (TCPListener does). */
  static adopt(socket: number, events: ConnectionEvents, options?: ConnectionSettings): TCPConnection {
    const connection = new TCPConnection(events);
    queueMicrotask(() => connection.open(socket, options));
    return connection;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Queues bytes (a string goes as UTF-8); before the connection exists they wait for it.
   * A Uint8Array is copied: the caller may reuse it at once.
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

  /** Resolves true when the connection is over, false if `timeoutMs` passed first. */
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
