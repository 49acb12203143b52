/**
 * The event-style datagram socket (the UDP sibling of TCPConnection and TCPListener):
 * `onMessage` for each datagram with its sender, `send` to any host and port, `close`.
 * It is an ordinary UDPOpen socket underneath (`.socket`): every command takes it.
 *
 * One awaited receive is in flight at a time (receiveFromAsync), so the thread's event
 * loop is never blocked; datagrams that come meanwhile wait in the engine's queue for the
 * socket (bounded by `rcvbuf`, as the kernel's: beyond it they are dropped and counted in
 * the `dropped` option). `data` is always bytes, as TCPConnection's onData.
 */
import { receiveFromAsync, sendToAsync } from '../async/calls.js';
import { TCPGetMyPort } from '../commands/addresses.js';
import { TCPClose } from '../commands/close.js';
import { UDPOpen } from '../commands/datagram.js';
import { failureText } from '../commands/failure-text.js';
import { TCPSetOption } from '../commands/socket-options.js';
import { ErrorCode } from '../errors.js';
import { runCallback } from './callbacks.js';

/** Who sent a datagram; `size` its full length (more than `data` holds when it was cut: over 64 KiB less the address). */
export interface DatagramOrigin {
  /** The sender's address. */
  address: string;
  /** The sender's port. */
  port: number;
  /** The datagram's full length. */
  size: number;
}

/** An endpoint's callbacks. */
export interface EndpointEvents {
  /**
   * Each datagram, with its sender. Datagrams that come while it runs wait in the
   * engine's queue (bounded by `rcvbuf`; beyond it they are dropped and counted).
   * @param endpoint - the endpoint
   * @param data - the datagram's bytes, a new array
   * @param from - its sender and full length
   */
  onMessage(endpoint: UDPEndpoint, data: Uint8Array, from: DatagramOrigin): void;
  /**
   * The socket could not be opened (-10048 port in use, -10049 not an address of this
   * machine; it is then closed), an option was refused, a send failed (the endpoint goes
   * on), or a receive failed (ICMP refusals -10061 / -10054 go on; anything else ends it).
   * @param endpoint - the endpoint
   * @param code - an error code of the table
   * @param message - its text
   */
  onError?(endpoint: UDPEndpoint, code: number, message: string): void;
  /**
   * Always, last, once: the endpoint is closed and its socket too.
   * @param endpoint - the endpoint
   */
  onTerminate?(endpoint: UDPEndpoint): void;
}

/** Datagram socket options (TCPSetOption names): broadcast, ttl, multicastttl, rcvbuf, encoding... */
export type EndpointSettings = Record<string, number | string>;

/** UDPEndpoint.open's options: the local address and port, socket options, and the callbacks. */
export interface EndpointOptions extends EndpointEvents {
  /** The local address: '' (the default) every IPv4 interface, '::' both families. */
  address?: string;
  /** Port number or UDP service name; 0 (the default) lets the OS choose. */
  port?: number | string;
  /** TCPSetOption names and values set once the socket is open (broadcast, ttl, multicastttl, rcvbuf, encoding, ...). */
  options?: EndpointSettings;
}

/**
 * Receive failures after which the endpoint goes on: an ICMP refusal of an earlier send
 * (reported, not fatal: other peers are still there), a `timeout` set on the socket.
 */
const PASSING = new Set<number>([ErrorCode.ConnectionRefused, ErrorCode.ConnectionReset]);

/** A datagram socket that calls you back for each datagram instead of blocking, on the same engine and socket numbers. */
export class UDPEndpoint {
  /** The socket number (0 when it could not be opened): usable with every command. */
  readonly socket: number;
  /** The local port (0 when it could not be opened). */
  readonly port: number;
  private closing = false;
  private done = false;
  /** Sends in order: each waits for the one before (and a flood of them holds one async slot). */
  private sending: Promise<unknown> = Promise.resolve();
  private readonly finished: Promise<void>;

  private constructor(
    socket: number,
    private readonly events: EndpointEvents,
    failure: number,
  ) {
    this.socket = socket;
    this.port = socket > 0 ? Math.max(0, TCPGetMyPort(socket)) : 0;
    this.closing = failure < 0;
    this.finished = failure < 0 ? this.failOpen(failure) : this.receiveLoop();
  }

  /**
   * Opens the socket now and returns at once; datagrams come to `onMessage`. A failure
   * (-10048 the port is in use, -10049 not an address of this machine, a refused option)
   * comes to `onError` on a microtask, then `onTerminate`: the endpoint is closed.
   * @param options - address, port, options and the callbacks
   * @returns the endpoint (`socket` and `port` set; 0 when it could not be opened)
   */
  static open(options: EndpointOptions): UDPEndpoint {
    const socket = UDPOpen(options.address ?? '', options.port ?? 0);
    let result = socket < 0 ? socket : 0;
    for (const [name, value] of Object.entries(options.options ?? {})) {
      if (result === 0 && value !== undefined) result = TCPSetOption(socket, name, value);
    }
    if (result < 0 && socket > 0) TCPClose(socket);
    return new UDPEndpoint(result < 0 ? 0 : socket, options, result);
  }

  /**
   * Whether the endpoint is closed.
   * @returns true once closed
   */
  get closed(): boolean {
    return this.closing;
  }

  /**
   * Sends one datagram, after the sends before it.
   * @param host - the destination's name or address
   * @param port - its port number or UDP service name
   * @param data - a string (in the socket's `encoding`, UTF-8 by default) or bytes (copied at once)
   * @returns a promise of UDPSendTo's answer: the datagram's length, or an error code (-10040, -10013, -11001, ...), which also goes to `onError` (the endpoint stays open)
   */
  send(host: string, port: number | string, data: string | Uint8Array): Promise<number> {
    if (this.closing) return Promise.resolve(ErrorCode.InvalidSocket);
    const payload = typeof data === 'string' ? data : new Uint8Array(data);
    const sent = this.sending.then(async () => {
      if (this.closing) return ErrorCode.InvalidSocket;
      const result = await sendToAsync(this.socket, host, port, payload);
      if (result < 0 && !this.closing) this.report(result);
      return result;
    });
    this.sending = sent;
    return sent;
  }

  /** Stops the events and closes the socket (a receive in flight ends with it); onTerminate follows. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.socket > 0) TCPClose(this.socket);
  }

  /**
   * Waits for the endpoint to close.
   * @returns a promise resolved when the endpoint is closed and its last event delivered
   */
  wait(): Promise<void> {
    return this.finished;
  }

  private async failOpen(code: number): Promise<void> {
    await Promise.resolve(); // the caller holds the endpoint before its onError runs
    this.report(code);
    this.terminate();
  }

  private async receiveLoop(): Promise<void> {
    for (;;) {
      const received = await receiveFromAsync(this.socket);
      if (this.closing) break;
      if (typeof received === 'number') {
        if (received === ErrorCode.TimedOut) continue; // a `timeout` option: nothing came, listen on
        this.report(received);
        if (PASSING.has(received)) continue;
        this.close();
        break;
      }
      const { data, address, port, size } = received;
      if (!runCallback(() => this.events.onMessage(this, data, { address, port, size }))) {
        this.close(); // as TCPConnection's: a callback that threw ends it, and the error is rethrown
        break;
      }
    }
    this.terminate();
  }

  private report(code: number): void {
    const message = failureText(code, 'table');
    runCallback(() => this.events.onError?.(this, code, message));
  }

  private terminate(): void {
    if (this.done) return;
    this.done = true;
    runCallback(() => this.events.onTerminate?.(this));
  }
}
