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

export interface IncomingClient {
  socket: number;
  address: string;
  port: number;
}

export type ConnectionAnswer = (ConnectionEvents & { options?: ConnectionSettings }) | { detach: true } | null | false;

export interface ListenerEvents {
  onConnection(listener: TCPListener, client: IncomingClient): ConnectionAnswer;
  onError?(listener: TCPListener, code: number, message: string): void;
  onTerminate?(listener: TCPListener): void;
}

export interface ListenOptions extends ListenerEvents {
  port?: number | string;
  /** Local address; a path or '@name': a Unix-domain socket. */
  address?: string;
  /** A Unix-domain socket file's permissions (the `mode` option). */
  mode?: number;
  backlog?: number;
  family?: 4 | 6;
  cert?: string;
  key?: string;
  /** Each connection starts with a PROXY protocol header from a load balancer (the `proxy` option). */
  proxy?: boolean;
}

export class TCPListener {
  readonly port: number;
  private closing = false;
  private readonly finished: Promise<void>;

  private constructor(
    readonly socket: number,
    private readonly events: ListenerEvents,
  ) {
    this.port = TCPGetMyPort(socket);
    this.finished = this.acceptLoop();
  }

  /** Listens now (throws, with the code's text, if it cannot); accepts asynchronously. */
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

  /** Resolves when the listener has stopped. */
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
