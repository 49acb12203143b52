/**
 * The event-style listener (4D's TCPListener): each client is offered to `onConnection`,
 * which answers with the events (and options) of its connection, or refuses it
 * (null / false: the client is reset), or takes the socket itself ({ detach: true }) —
 * for instance to hand it to a blocking handler on a pool thread: it is an ordinary
 * socket number.
 */
import { acceptWithPeer } from '../async/calls.js';
import { TCPGetMyPort } from '../commands/addresses.js';
import { TCPClose } from '../commands/close.js';
import { failureText } from '../commands/failure-text.js';
import { TCPSetOption } from '../commands/socket-options.js';
import { TCPBind, TCPListen, TCPSocket } from '../commands/server.js';
import { describeError } from '../describe-error.js';
import { TCPErrorText } from '../errors.js';
import { runCallback } from './callbacks.js';
import { type ConnectionEvents, type ConnectionSettings, TCPConnection } from './connection.js';

/** A client offered to ListenerEvents.onConnection. */
export interface IncomingClient {
  /** The accepted connection's socket number. */
  socket: number;
  /** The client's address (behind a PROXY-protocol balancer, the client's own). */
  address: string;
  /** The client's port. */
  port: number;
}

/** What ListenerEvents.onConnection answers: callbacks, a refusal, or a detach. */
export type ConnectionAnswer =
  | (ConnectionEvents & {
      /** TCPSetOption names and values, set before the connection's onConnection. */
      options?: ConnectionSettings;
    })
  | {
      /** The socket is yours: the listener lets go of it (use it with the blocking commands; close it yourself). */
      detach: true;
    }
  | null
  | false;

/** A listener's callbacks. */
export interface ListenerEvents {
  /**
   * Each client is offered here. A hook that throws resets the client and reports it to
   * onError (-10053); the listener goes on.
   * @param listener - the listener
   * @param client - the accepted client's socket number, address and port
   * @returns callbacks (and options) to make it a TCPConnection; null or false to refuse it (reset); `{ detach: true }` to take the socket number yourself
   */
  onConnection(listener: TCPListener, client: IncomingClient): ConnectionAnswer;
  /**
   * A TLS client whose handshake failed (-1021, the listener goes on), a hook that threw
   * (-10053), or an accept error that ends the listener (then onTerminate).
   * @param listener - the listener
   * @param code - an error code of the table
   * @param message - its text, with the reason
   */
  onError?(listener: TCPListener, code: number, message: string): void;
  /**
   * Always, last, once: the listener has stopped and its socket is closed.
   * @param listener - the listener
   */
  onTerminate?(listener: TCPListener): void;
}

/** TCPListener.listen's options: where to listen, the listener's options, and the callbacks. */
export interface ListenOptions extends ListenerEvents {
  /** A port number or service name; 0 (the default) lets the OS choose (`listener.port`). */
  port?: number | string;
  /** Local address; a path or '@name': a Unix-domain socket. */
  address?: string;
  /** A Unix-domain socket file's permissions (the `mode` option). */
  mode?: number;
  /** Connections that may wait to be accepted (the `backlog` option, 511 by default). */
  backlog?: number;
  /** 4 or 6: listen on that family only (the `family` option); both by default. */
  family?: 4 | 6;
  /** Server-side TLS: the certificate, PEM text or a file name (the `cert` option). */
  cert?: string;
  /** Server-side TLS: the private key, PEM text or a file name (the `key` option). */
  key?: string;
  /** Each connection starts with a PROXY protocol header from a load balancer (the `proxy` option). */
  proxy?: boolean;
}

/**
 * A listener that offers each client to a callback instead of blocking in TCPAccept
 * (after 4D's class of this name), on the same engine and socket numbers as the commands.
 */
export class TCPListener {
  /** The port listened on (the chosen one for port 0). */
  readonly port: number;
  private closing = false;
  private readonly finished: Promise<void>;

  private constructor(
    /** The listener's socket number (do not give it a `timeout` option: the accept would time out and end the listener). */
    readonly socket: number,
    private readonly events: ListenerEvents,
  ) {
    this.port = TCPGetMyPort(socket);
    this.finished = this.acceptLoop();
  }

  /**
   * Makes the listener now (TCPSocket, the options, TCPBind, TCPListen) and accepts
   * asynchronously. Unlike the commands, it throws when it cannot listen.
   * @param options - port, address, backlog, TLS, proxy and the callbacks
   * @returns the listener (its `port` is set)
   * @throws Error with the code's text, e.g. `TCPListener: Address already in use (-10048)`
   */
  static listen(options: ListenOptions): TCPListener {
    const socket = TCPSocket();
    const settings: Array<[string, string | number | undefined]> = [
      ['address', options.address],
      ['mode', options.mode],
      ['backlog', options.backlog],
      ['family', options.family],
      ['cert', options.cert],
      ['key', options.key],
      ['proxy', options.proxy === true ? 1 : undefined],
    ];
    let result = socket < 0 ? socket : 0;
    for (const [name, value] of settings) if (result === 0 && value !== undefined) result = TCPSetOption(socket, name, value);
    if (result === 0) result = TCPBind(socket, options.port ?? 0);
    if (result === 0) result = TCPListen(socket);
    if (result < 0) {
      if (socket > 0) TCPClose(socket);
      throw new Error(`TCPListener: ${TCPErrorText(result)} (${result})`);
    }
    return new TCPListener(socket, options);
  }

  /** Stops listening; the connections already made go on. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    TCPClose(this.socket);
  }

  /**
   * Waits for the listener to stop.
   * @returns a promise resolved when the listener has stopped (after onTerminate)
   */
  wait(): Promise<void> {
    return this.finished;
  }

  private async acceptLoop(): Promise<void> {
    for (;;) {
      const accepted = await acceptWithPeer(this.socket);
      if (typeof accepted === 'number') {
        if (accepted === -1021) {
          runCallback(() => this.events.onError?.(this, accepted, failureText(accepted, 'table')));
          continue;
        }
        if (!this.closing) runCallback(() => this.events.onError?.(this, accepted, failureText(accepted, 'table')));
        break;
      }
      this.offer(accepted);
    }
    // An accept error ends the listener too: release its port (close() may not come).
    if (!this.closing) this.close();
    runCallback(() => this.events.onTerminate?.(this));
  }

  private offer(client: IncomingClient): void {
    let answer: ConnectionAnswer;
    try {
      answer = this.events.onConnection(this, client);
    } catch (error) {
      TCPClose(client.socket, 2);
      runCallback(() => this.events.onError?.(this, -10053, `onConnection threw: ${error instanceof Error ? String(error) : describeError(error)}`));
      return;
    }
    if (answer === null || answer === false) {
      TCPClose(client.socket, 2); // refused: the client sees its connection reset
      return;
    }
    if ('detach' in answer) return;
    TCPConnection.adopt(client.socket, answer, answer.options);
  }
}
