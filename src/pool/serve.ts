/**
 * serve(): listen, and serve each connection with a handler module on a pool thread,
 * in blocking style, while the other threads go on.
 *
 * Each pool thread runs an accept loop (serve-loop.ts), as the processes of a
 * pre-forked server do: the engine hands a new connection straight to a thread blocked
 * in TCPAccept, with no hop through this thread. Connections wait in the listener while
 * every thread is busy; beyond `backlog` waiting, new ones are reset (refused) and
 * counted. This thread only starts the loops, restarts one whose thread died, relays
 * their log lines, and closes.
 */
import { MessageChannel } from 'node:worker_threads';
import {
  TCPBind,
  TCPClose,
  TCPErrorText,
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetOption,
  TCPListen,
  TCPSetOption,
  TCPSocket,
  WebDevGetSecureError,
} from '../index.js';
import { newServeCounters, ServeCounter } from './counters.js';
import { moduleUrl, Pool } from './pool.js';
import { serveProcesses } from '../scale/processes.js';

export interface ServeOptions {
  /** The handler module: its default export is called as handler(socket, { address, port }). */
  handler: string | URL;
  /** Port number or service name; 0 (the default) lets the OS choose. */
  port?: number | string;
  /** Local address to listen on; all interfaces by default. */
  address?: string;
  /**
   * Connections that may wait for a free thread (the listen backlog, default 64); beyond
   * them, new connections are refused (reset) and counted.
   */
  backlog?: number;
  /** Pool threads serving connections (default 2); with `pool`, that many of its threads. */
  threads?: number;
  /** Server-side TLS: certificate and key, PEM text or file names (relative to certs/). */
  cert?: string;
  key?: string;
  /** A pool to share: `threads` of its threads are taken for as long as the server runs. */
  pool?: Pool;
  /** Each connection starts with a PROXY protocol header from a load balancer (README "Scaling out"). */
  proxy?: boolean;
  /**
   * Run N processes sharing the port, each with its own engine and `threads` pool threads;
   * this process only supervises them (src/scale/). Omitted: everything in this process.
   */
  processes?: number;
  /** With `processes`: how long a draining process (reload, close) may finish its connections, ms (default 10 s). */
  graceMs?: number;
  /** An inherited descriptor of a bound socket to listen on instead of binding (set by `processes` in each child). */
  listenFd?: number;
  /** Where failures are reported (a handler that threw, a failed TLS handshake). Default: stderr. */
  log?: (message: string) => void;
}

export interface ServeStats {
  /** Connections handed to a handler. */
  accepted: number;
  /** Handlers running now. */
  running: number;
  /** Connections waiting for a free thread. */
  queued: number;
  /** Connections reset because `backlog` of them were already waiting. */
  refused: number;
  /** Handlers that threw (their sockets were reset), or whose thread died. */
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
  /** With `processes`: new processes with the handler loaded afresh, then the old ones drain (SIGHUP in tcpcmd serve). */
  reload?(): Promise<void>;
  /** Stops accepting, waits up to `timeoutMs` (default 10 s) for running handlers. */
  close(timeoutMs?: number): Promise<CloseResult>;
}

class Server implements TcpServer {
  readonly port: number;
  readonly address: string;
  private readonly counters: Int32Array;
  private readonly loops: Array<Promise<void>> = [];
  /** Handlers lost with their thread (a handler that ended its thread). */
  private threadDeaths = 0;
  private closing = false;
  /** The listener's counts, kept when it closes. */
  private final: { queued: number; refused: number } | undefined;

  constructor(
    private readonly listener: number,
    private readonly pool: Pool,
    private readonly ownPool: boolean,
    private readonly handler: string,
    threads: number,
    private readonly log: (message: string) => void,
  ) {
    this.port = TCPGetMyPort(listener);
    this.address = String(TCPGetMyAddr(listener));
    this.counters = newServeCounters(threads);
    for (let loop = 0; loop < threads; loop++) this.loops.push(this.runLoop(loop));
  }

  private async runLoop(loop: number): Promise<void> {
    while (!this.closing) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (line: string) => this.log(line));
      try {
        await this.pool.serveLoop({
          kind: 'serve',
          module: this.handler,
          listener: this.listener,
          loop,
          counters: this.counters.buffer as SharedArrayBuffer,
          log: port2,
        });
        return; // the listener closed
      } catch (error) {
        if (this.closing) return;
        // The thread died under a handler (process.exit, a crash): its connection is
        // reset, and a new loop takes its place.
        const socket = Atomics.exchange(this.counters, ServeCounter.FirstLoop + loop, 0);
        if (socket !== 0) TCPClose(socket, 2);
        this.threadDeaths++;
        this.log(`serve: a handler's thread died: ${String(error)}; starting another`);
      } finally {
        port1.close();
      }
    }
  }

  stats(): ServeStats {
    const count = (word: number): number => Atomics.load(this.counters, word);
    let running = 0;
    for (let i = ServeCounter.FirstLoop; i < this.counters.length; i++) if (Atomics.load(this.counters, i) !== 0) running++;
    const listener = this.final ?? {
      queued: Number(TCPGetOption(this.listener, 'queued')),
      refused: Number(TCPGetOption(this.listener, 'refused')),
    };
    return {
      accepted: count(ServeCounter.Accepted),
      running,
      queued: Math.max(0, listener.queued),
      refused: Math.max(0, listener.refused),
      failed: count(ServeCounter.Failed) + this.threadDeaths,
      completed: count(ServeCounter.Completed),
      handshakeFailures: count(ServeCounter.HandshakeFailures),
    };
  }

  async close(timeoutMs = 10_000): Promise<CloseResult> {
    if (!this.closing) {
      const { queued, refused } = this.stats();
      this.final = { queued, refused };
      this.closing = true;
      TCPClose(this.listener); // every loop's TCPAccept wakes with -10053 and the loop ends
    }
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all(this.loops).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    let abandoned = 0;
    if (!finished) {
      // Reset what is still being served: the handler's next command fails, and its
      // thread is stopped with the pool.
      for (let i = ServeCounter.FirstLoop; i < this.counters.length; i++) {
        const socket = Atomics.exchange(this.counters, i, 0);
        if (socket !== 0) {
          abandoned++;
          TCPClose(socket, 2);
        }
      }
    }
    if (this.ownPool) await (finished ? this.pool.close() : this.pool.destroy());
    return { completed: Atomics.load(this.counters, ServeCounter.Completed), abandoned };
  }
}

/** Starts serving; resolves once listening (port 0: read the chosen port from `.port`). */
export async function serve(options: ServeOptions): Promise<TcpServer> {
  if (options.processes !== undefined) return serveProcesses(options);
  const listener = TCPSocket();
  if (listener < 0) throw new Error(`serve: TCPSocket failed: ${TCPErrorText(listener)}`);
  const settings: Array<[string, string | number | undefined]> = [
    ['address', options.address],
    ['backlog', options.backlog ?? 64],
    ['cert', options.cert],
    ['key', options.key],
    ['proxy', options.proxy === true ? 1 : undefined],
    ['listenfd', options.listenFd],
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
  const threads = Math.max(1, Math.floor(options.threads ?? 2));
  const pool = options.pool ?? new Pool({ threads });
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  return new Server(listener, pool, options.pool === undefined, moduleUrl(options.handler), threads, log);
}
