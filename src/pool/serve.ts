/**
 * serve(): listen, and hand each accepted connection to a handler module on a pool
 * thread, where it runs in blocking style while the other threads go on.
 *
 * Accepting is an awaited TCPAccept on the calling thread, so serve() needs no thread of
 * its own and that thread's event loop stays free (do not block it for long: it
 * dispatches the connections). Each connection is a pool task; when every thread is
 * busy and `queue` connections already wait, a new one is refused (reset) and counted.
 */
import { acceptAsync } from '../async/calls.js';
import { TCPBind, TCPClose, TCPErrorText, TCPGetMyAddr, TCPGetMyPort, TCPListen, TCPSetOption, TCPSocket, WebDevGetSecureError } from '../index.js';
import { HandlerCounter, newCounters } from './counters.js';
import { moduleUrl, Pool } from './pool.js';

export interface ServeOptions {
  /** The handler module: its default export is called as handler(socket, { address, port }). */
  handler: string | URL;
  /** Port number or service name; 0 (the default) lets the OS choose. */
  port?: number | string;
  /** Local address to listen on; all interfaces by default. */
  address?: string;
  backlog?: number;
  /** Pool threads (default 2); ignored when `pool` is given. */
  threads?: number;
  /** Connections that may wait for a free thread before new ones are refused (default 64). */
  queue?: number;
  /** Server-side TLS: certificate and key, PEM text or file names (relative to certs/). */
  cert?: string;
  key?: string;
  /** A pool to share; by default serve() makes its own and closes it on close(). */
  pool?: Pool;
  /** Where failures are reported (a handler that threw, a refused client). Default: stderr. */
  log?: (message: string) => void;
}

export interface ServeStats {
  /** Connections accepted (served, waiting or refused). */
  accepted: number;
  /** Handlers running on a pool thread now. */
  running: number;
  /** Connections waiting for a free thread. */
  queued: number;
  /** Connections reset because the threads and the queue were full. */
  refused: number;
  /** Handlers that threw (their sockets were reset). */
  failed: number;
  /** Handlers that returned. */
  completed: number;
  /** TLS clients whose handshake failed (never handed to a handler). */
  handshakeFailures: number;
}

export interface CloseResult {
  completed: number;
  /** Connections whose handlers were still running at the time-out; their sockets were reset. */
  abandoned: number;
}

export interface TcpServer {
  readonly port: number;
  readonly address: string;
  stats(): ServeStats;
  /** Stops accepting, waits up to `timeoutMs` (default 10 s) for running handlers. */
  close(timeoutMs?: number): Promise<CloseResult>;
}

class Server implements TcpServer {
  readonly port: number;
  readonly address: string;
  private readonly counters = newCounters();
  private readonly progress = new Int32Array(this.counters);
  private readonly inFlight = new Set<number>();
  private submitted = 0;
  private accepted = 0;
  private refused = 0;
  private failed = 0;
  private completed = 0;
  private handshakeFailures = 0;
  private closing = false;
  /** close() timed out: tasks still in flight are abandoned, not failures. */
  private abandoning = false;
  private drained: (() => void) | undefined;
  private readonly acceptLoop: Promise<void>;

  constructor(
    private readonly listener: number,
    private readonly pool: Pool,
    private readonly ownPool: boolean,
    private readonly handler: string,
    private readonly queueLimit: number,
    private readonly log: (message: string) => void,
  ) {
    this.port = TCPGetMyPort(listener);
    this.address = String(TCPGetMyAddr(listener));
    this.acceptLoop = this.acceptConnections();
  }

  stats(): ServeStats {
    const started = Atomics.load(this.progress, HandlerCounter.Started);
    const finished = Atomics.load(this.progress, HandlerCounter.Finished);
    return {
      accepted: this.accepted,
      running: started - finished,
      queued: this.submitted - started,
      refused: this.refused,
      failed: this.failed,
      completed: this.completed,
      handshakeFailures: this.handshakeFailures,
    };
  }

  private async acceptConnections(): Promise<void> {
    while (!this.closing) {
      const socket = await acceptAsync(this.listener);
      if (socket === -1021) {
        this.handshakeFailures++;
        this.log(`serve: TLS handshake failed: ${WebDevGetSecureError()}`);
        continue;
      }
      if (socket < 0) {
        if (!this.closing) this.log(`serve: accept failed: ${TCPErrorText(socket)}; no longer accepting`);
        return;
      }
      this.accepted++;
      this.dispatch(socket);
    }
  }

  private dispatch(socket: number): void {
    if (this.inFlight.size >= this.pool.threads + this.queueLimit) {
      this.refused++;
      TCPClose(socket, 2);
      return;
    }
    this.inFlight.add(socket);
    this.submitted++;
    this.pool
      .handle({ kind: 'handler', module: this.handler, socket, counters: this.counters })
      .then(
        (outcome) => {
          if (outcome.ok) {
            this.completed++;
          } else {
            this.failed++;
            this.log(`serve: handler failed for ${outcome.peer.address}:${outcome.peer.port}: ${outcome.error}`);
          }
        },
        (error: unknown) => {
          // The task never ran or its thread died (a handler that called process.exit,
          // or the pool stopped at close()'s time-out): the socket is ours to reset.
          TCPClose(socket, 2);
          if (this.abandoning) return;
          this.failed++;
          this.log(`serve: handler did not run for socket ${socket}: ${String(error)}`);
        },
      )
      .finally(() => {
        this.inFlight.delete(socket);
        if (this.inFlight.size === 0) this.drained?.();
      });
  }

  async close(timeoutMs = 10_000): Promise<CloseResult> {
    if (!this.closing) {
      this.closing = true;
      TCPClose(this.listener); // wakes the awaited accept with -10053
    }
    await this.acceptLoop;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      new Promise<boolean>((resolve) => {
        if (this.inFlight.size === 0) resolve(false);
        this.drained = () => resolve(false);
      }),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    const abandoned = this.inFlight.size;
    if (timedOut) {
      this.abandoning = true;
      // Reset what is still being served: its handler's next command fails and it returns.
      for (const socket of this.inFlight) TCPClose(socket, 2);
    }
    if (this.ownPool) await (timedOut ? this.pool.destroy() : this.pool.close());
    return { completed: this.completed, abandoned };
  }
}

/** Starts serving; resolves once listening (port 0: read the chosen port from `.port`). */
export async function serve(options: ServeOptions): Promise<TcpServer> {
  const listener = TCPSocket();
  if (listener < 0) throw new Error(`serve: TCPSocket failed: ${TCPErrorText(listener)}`);
  const settings: Array<[string, string | number | undefined]> = [
    ['address', options.address],
    ['backlog', options.backlog],
    ['cert', options.cert],
    ['key', options.key],
  ];
  for (const [name, value] of settings) {
    if (value === undefined) continue;
    const result = TCPSetOption(listener, name, value);
    if (result < 0) {
      TCPClose(listener);
      const detail = result === -1021 ? WebDevGetSecureError() : TCPErrorText(result);
      throw new Error(`serve: option ${name}: ${detail}`);
    }
  }
  let result = TCPBind(listener, options.port ?? 0);
  if (result === 0) result = TCPListen(listener);
  if (result < 0) {
    TCPClose(listener);
    throw new Error(`serve: cannot listen on ${options.address ?? '*'}:${String(options.port ?? 0)}: ${TCPErrorText(result)} (${result})`);
  }
  const pool = options.pool ?? new Pool({ threads: options.threads ?? 2, queue: Number.MAX_SAFE_INTEGER });
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  return new Server(listener, pool, options.pool === undefined, moduleUrl(options.handler), options.queue ?? 64, log);
}
