/**
 * serve(): listen, and serve connections with a handler module on pool threads, in
 * blocking style, while the other threads go on. Three kinds of handler module:
 *
 * - A request handler (`export function request(socket, peer)`) is called when a
 *   connection has bytes to read, once per request; between requests the connection
 *   waits in the engine holding no thread (request-loop.ts, engine/request-server.ts).
 *   Any number of keep-alive connections share the threads.
 * - A connection handler (the default export) owns its connection for its life, as a
 *   pre-forked server's process does: each thread runs an accept loop (serve-loop.ts); the
 *   engine hands a new connection straight to a thread blocked in TCPAccept. Connections
 *   wait in the listener while every thread is busy; beyond `backlog`, new ones are reset.
 * - A datagram handler (`export function datagram(socket, data, from)`, with `udp: true`)
 *   is called per datagram, as by Python's ThreadingUDPServer: each thread blocks in
 *   UDPReceiveFrom on the one datagram socket (datagram-loop.ts) and answers with UDPSendTo.
 *
 * The module is loaded and checked on a pool thread before the server listens; serve()
 * resolves once every thread has loaded it. This thread only starts the loops, restarts
 * one whose thread died (with back-off), relays their log lines, and closes.
 */
import { createLogger, type LogEntry, type LogLevel, type LogOption } from '../operate/log.js';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { TCPGetMyAddr, TCPGetMyPort } from '../commands/addresses.js';
import { TCPClose } from '../commands/close.js';
import { WebDevGetSecureError } from '../commands/config.js';
import { TCPGetOption, TCPSetOption } from '../commands/socket-options.js';
import { TCPBind, TCPListen, TCPSocket } from '../commands/server.js';
import { TCPErrorText } from '../errors.js';
import { isUnixAddress } from '../unix-address.js';
import { parseSni } from '../tls/sni.js';
import { ExpiryWatch } from './certificate-expiry.js';
import { newDurationRows, newServeCounters, ServeCounter, sumDurations } from './counters.js';
import { engineFigures, metricsPortOf, type MetricsOptions, type ServeFigures, startMetricsServer } from '../operate/metrics.js';
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { agentPortOf, type Health, startAgent, weightOf } from '../operate/agent.js';
import { moduleUrl, Pool } from './pool.js';
import { serveProcesses } from '../scale/processes.js';
import { watchConnections, watchCounts } from './request-calls.js';
import { RestartBackoff } from './restart-backoff.js';
import { openDatagramSocket, udpOptionsError } from './serve-udp.js';
import type { LoopMessage } from './serve-loop.js';
import type { HandlerKind } from './task.js';

/** The default per-connection time-out (idle receive, stalled send inside a handler), ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default time a request handler's connection may wait for its next request, ms. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/**
 * The same while the process drains (processes: reload, close), ms: well above a client's
 * pause between the requests of a loop, well below the grace period.
 */
export const DEFAULT_DRAIN_IDLE_TIMEOUT_MS = 2_000;

export interface ServeOptions {
  /**
   * The handler module: `export function request(socket, { address, port })` (called per
   * request; it wins when both are exported) or a default export (called per connection).
   */
  handler: string | URL;
  /** Port number or service name; 0 (the default) lets the OS choose. */
  port?: number | string;
  /**
   * Local address to listen on; all interfaces by default. A path ('/run/app.sock') or
   * '@name' listens on a Unix-domain socket instead (`port` is not used): README
   * "Unix-domain sockets".
   */
  address?: string;
  /** A Unix-domain socket file's permissions (0o660: owner and group may connect); the umask's by default. */
  mode?: number;
  /**
   * Connections that may wait for a free thread (the listen backlog, default 64); beyond
   * them, new connections are refused (reset) and counted. (Connection handlers; request
   * handlers' connections wait in the engine, without this bound.)
   */
  backlog?: number;
  /** Pool threads serving connections (default 2); with `pool`, that many of its threads. */
  threads?: number;
  /**
   * Every connection's own time-out, ms (the socket option `timeout`): a TCPReceive that
   * waits, or a TCPSend that stalls, longer gives -522 in the handler. Default 30 s;
   * 'infinite' for none.
   */
  timeout?: number | 'infinite';
  /**
   * Request handlers: how long a connection may wait in the engine for its next request,
   * ms; then the engine closes it (no thread involved). Default 60 s; 'infinite' for none.
   */
  idleTimeout?: number | 'infinite';
  /**
   * Request handlers with `processes`: while a process drains (a reload, close), a
   * connection it holds goes on being served, and is closed only once it has waited this
   * long for its next request, ms (or the client closes it, or `graceMs` ends). Default
   * 2000; 'infinite': until `graceMs` ends.
   */
  drainIdleTimeout?: number | 'infinite';
  /** Server-side TLS: certificate and key, PEM text or file names. */
  cert?: string;
  key?: string;
  /** TLS client certificates (the listener option `verifyclient`): 0 none (default), 1 request, 2 require. */
  verifyClient?: 0 | 1 | 2;
  /** The folder of CAs client certificates are verified against (the `clientca` option); default the trust store folder. */
  clientCa?: string;
  /** Certificates by server name (the `sni` option): 'a.example=a.pem,a.key; b.example=b.pem,b.key'. */
  sni?: string;
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
  /**
   * An inherited descriptor of a bound (or listening) socket to listen on instead of
   * binding: systemd's socket activation (descriptor 3; `tcpcmd serve` does it), or set by
   * `processes` in each child. With `processes`, the socket the children share.
   */
  listenFd?: number;
  /** A descriptor of a file where the listener keeps its count of held connections (the `heldfd` option; set by `processes` in each child). */
  heldFd?: number;
  /**
   * Prometheus metrics (README "Operating it"): `{ port, address }` serves them over HTTP
   * at `/metrics` (with `processes`, from this process, added up over the children);
   * `true` only times the handler calls, for tcpCommandsCollector(registry, server) in a
   * registry of your own. Off by default.
   */
  metrics?: boolean | MetricsOptions;
  /**
   * HAProxy agent-check (README "Operating it"): a TCP port answering each connection with
   * one line, `up ready N%` (N: the share of threads free), `drain` (closing, reloading) or
   * `down` (no thread can serve), then closing it. With `processes`, served by this process.
   */
  agentPort?: number;
  /** The agent's local address; all interfaces by default. */
  agentAddress?: string;
  /**
   * Where failures are reported (a handler that threw, a failed TLS handshake, a thread
   * that died): stderr as text by default; 'json': stderr, one JSON object per line; a
   * function: called with each text line. Repeats are limited at the source for all three
   * (a few lines per kind per 10 s, then a summary).
   */
  log?: LogOption;
  /** The least severe level logged: 'error', 'warn' (e.g. TLS handshake failures) or 'info' (the default: everything). */
  logLevel?: LogLevel;
  /**
   * Serve datagrams (UDP) instead of connections: the module exports
   * `datagram(socket, data, from)`, called on a pool thread per datagram; it answers with
   * UDPSendTo(socket, from.address, from.port, reply). `address` (default '': every
   * IPv4 interface, as UDPOpen's; '::' both families), `port`, `threads`, `pool` and
   * `log` apply; not with `processes`, `cert`/`key` or `proxy`.
   */
  udp?: boolean;
}

export interface ServeStats {
  /** Which kind of handler the module exports. */
  handler: HandlerKind;
  /** Connections accepted (handed to a connection handler, or put under the engine's watch). */
  accepted: number;
  /** Handlers running now (threads busy in a call). */
  running: number;
  /** Threads serving now: their handler loaded, not dead (a thread being restarted is not counted). */
  threads: number;
  /** The same: threads busy in a handler call now. */
  busyThreads: number;
  /** Connections waiting for a free thread (request handlers: with bytes to read). */
  queued: number;
  /** Request handlers: connections waiting in the engine for their next request, no thread held. */
  idle: number;
  /** Request handlers: calls that returned. */
  requests: number;
  /** Connections reset because `backlog` of them were already waiting. */
  refused: number;
  /** Handlers that threw (their sockets were reset), or whose thread died. */
  failed: number;
  /** Connection handlers that returned. */
  completed: number;
  /** TLS clients whose handshake failed (never handed to a handler). */
  handshakeFailures: number;
  /** udp: datagram handler calls that returned (ones that threw count in `failed`). */
  datagrams: number;
  /** udp: datagrams lost because they came faster than the threads took them (the socket's `dropped`). */
  dropped: number;
}

export interface CloseResult {
  completed: number;
  /** Connections whose handlers were still running at the time-out; their sockets were reset. */
  abandoned: number;
}

export interface TcpServer {
  readonly port: number;
  readonly address: string;
  /** With `metrics: { port }`: the port `/metrics` is served on (the chosen one for port 0). */
  readonly metricsPort?: number | undefined;
  /** With `agentPort`: the port of the HAProxy agent (the chosen one for port 0). */
  readonly agentPort?: number | undefined;
  /** What the agent-check says now: up (with a weight), drain or down. */
  health(): Health;
  stats(): ServeStats;
  /** What metrics are made of (tcpCommandsCollector reads it): stats() and the figures it lacks. */
  figures(): ServeFigures;
  /** With `processes`: new processes with the handler loaded afresh, then the old ones drain (SIGHUP in tcpcmd serve). */
  reload?(): Promise<void>;
  /**
   * TLS: reads the cert, key, sni and client CA files again; new handshakes use them,
   * established connections keep theirs. Rejects (the old ones go on) when they do not
   * make a TLS server. With `processes`: reload(), whose new processes read the files.
   */
  reloadCertificates?(): Promise<void>;
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
  private final: Omit<ServeStats, 'handler' | 'running' | 'threads' | 'busyThreads' | 'requests' | 'failed' | 'completed' | 'datagrams'> | undefined;
  private readonly restarts: RestartBackoff;
  private readonly loaded: Promise<void>;
  /** TLS: the warning of certificates near their expiry (certificate-expiry.ts). */
  expiry: ExpiryWatch | undefined;
  private readyLoops = 0;
  private abandoned = 0;
  /** serve({ metrics }): each loop's handler call durations (counters.ts). */
  private readonly durations: Float64Array | undefined;
  /** serve({ metrics: { port } }): the /metrics endpoint, closed with the server. */
  metricsHttp: HttpServer | undefined;
  /** serve({ agentPort }): the agent-check listener, closed with the server. */
  agent: NetServer | undefined;
  agentPort: number | undefined;
  /** Loops whose thread has loaded the handler and is alive. */
  private liveLoops = 0;

  constructor(
    private readonly listener: number,
    private readonly pool: Pool,
    private readonly ownPool: boolean,
    private readonly handler: string,
    private readonly kind: HandlerKind,
    private readonly threads: number,
    private readonly log: (entry: LogEntry) => void,
    measure = false,
  ) {
    this.port = TCPGetMyPort(listener);
    this.address = String(TCPGetMyAddr(listener));
    this.counters = newServeCounters(threads);
    this.durations = measure ? newDurationRows(threads) : undefined;
    this.restarts = new RestartBackoff(log);
    let allLoaded!: () => void;
    let loadFailed!: (error: Error) => void;
    this.loaded = new Promise<void>((resolve, reject) => {
      allLoaded = resolve;
      loadFailed = reject;
    });
    const onReady = (): void => {
      if (++this.readyLoops === threads) allLoaded();
    };
    for (let loop = 0; loop < threads; loop++) this.loops.push(this.runLoop(loop, onReady, loadFailed));
  }

  /** Resolves when every loop's thread has loaded the handler; rejects with the first load failure. */
  ready(): Promise<void> {
    return this.loaded;
  }

  private async runLoop(loop: number, onReady: () => void, loadFailed: (error: Error) => void): Promise<void> {
    let everReady = false;
    while (!this.closing) {
      const { port1, port2 } = new MessageChannel();
      let live = false;
      /** A thread that could not load the handler says why before it ends (task.ts). */
      let loadError: string | undefined;
      const onMessage = (message: LoopMessage): void => {
        if (typeof message === 'string' || 'level' in message) return this.log(message);
        if ('loadFailed' in message) {
          loadError = message.loadFailed;
          return;
        }
        if (!live) {
          live = true;
          this.liveLoops++;
        }
        if (!everReady) {
          everReady = true;
          onReady();
        }
      };
      // What the loop posted just before it ended (a handler's failure, then close(); why it
      // could not load) may still be queued when its task ends: read, not dropped with the port.
      const drain = (): void => {
        for (let queued = receiveMessageOnPort(port1); queued !== undefined; queued = receiveMessageOnPort(port1)) onMessage(queued.message as LoopMessage);
      };
      port1.on('message', onMessage);
      try {
        await this.pool.serveLoop({
          kind: 'serve',
          mode: this.kind,
          module: this.handler,
          listener: this.listener,
          loop,
          counters: this.counters.buffer as SharedArrayBuffer,
          durations: this.durations?.buffer as SharedArrayBuffer | undefined,
          log: port2,
        });
        return; // the listener closed
      } catch (thrown) {
        drain();
        const error = loadError === undefined ? (thrown as Error) : new Error(loadError);
        if (this.closing) return;
        if (!everReady) return loadFailed(error); // serve() rejects with it
        // The thread died under a handler (process.exit, a crash): its connection is
        // reset, and a new loop takes its place.
        const socket = Atomics.exchange(this.counters, ServeCounter.FirstLoop + loop, 0);
        if (socket !== 0 && this.kind !== 'datagram') TCPClose(socket, 2); // a datagram socket serves the other loops too
        this.threadDeaths++;
        const delay = this.restarts.died(loadError === undefined ? error.message : `the handler no longer loads: ${loadError}`);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      } finally {
        drain();
        if (live) this.liveLoops--;
        port1.close();
      }
    }
  }

  stats(): ServeStats {
    const count = (word: number): number => Atomics.load(this.counters, word);
    let running = 0;
    for (let i = ServeCounter.FirstLoop; i < this.counters.length; i++) if (Atomics.load(this.counters, i) !== 0) running++;
    const live = this.final ?? this.liveCounts();
    return {
      handler: this.kind,
      ...live,
      accepted: this.kind === 'request' ? live.accepted : count(ServeCounter.Accepted),
      handshakeFailures: live.handshakeFailures + count(ServeCounter.HandshakeFailures),
      running,
      threads: this.liveLoops,
      busyThreads: running,
      requests: count(ServeCounter.Requests),
      failed: count(ServeCounter.Failed) + this.threadDeaths,
      completed: count(ServeCounter.Completed),
      datagrams: count(ServeCounter.Datagrams),
    };
  }

  /** The port of `/metrics` (metrics: { port }). */
  metricsPort: number | undefined;

  health(): Health {
    if (this.closing) return { state: 'drain' };
    if (this.liveLoops === 0) return { state: 'down', reason: 'no thread serving: the handler threads died, or the handler no longer loads' };
    return { state: 'up', weightPercent: weightOf(this.threads, this.liveLoops, this.stats().busyThreads) };
  }

  figures(): ServeFigures {
    const proxyRefused = this.kind === 'datagram' || this.closing ? 0 : Math.max(0, Number(TCPGetOption(this.listener, 'proxyrefused')));
    return {
      stats: { ...this.stats(), proxyRefused },
      threads: this.liveLoops,
      threadDeaths: this.threadDeaths,
      abandoned: this.abandoned,
      durations: this.durations === undefined ? undefined : sumDurations(this.durations),
      engine: engineFigures(),
    };
  }

  /** What the engine knows: the listener's queue and refusals, the watch's counts. */
  private liveCounts(): NonNullable<Server['final']> {
    if (this.kind === 'datagram') {
      const dropped = Math.max(0, Number(TCPGetOption(this.listener, 'dropped')));
      return { accepted: 0, queued: 0, idle: 0, refused: 0, handshakeFailures: 0, dropped };
    }
    const refused = Math.max(0, Number(TCPGetOption(this.listener, 'refused')));
    if (this.kind === 'connection') {
      const queued = Math.max(0, Number(TCPGetOption(this.listener, 'queued')));
      return { accepted: 0, queued, idle: 0, refused, handshakeFailures: 0, dropped: 0 };
    }
    const watch = watchCounts(this.listener) ?? { idle: 0, ready: 0, handshakeFailures: 0, accepted: 0 };
    return { accepted: watch.accepted, queued: watch.ready, idle: watch.idle, refused, handshakeFailures: watch.handshakeFailures, dropped: 0 };
  }

  async reloadCertificates(): Promise<void> {
    if (this.closing) throw new Error('serve: reloadCertificates after close');
    if (this.expiry === undefined) throw new Error('serve: reloadCertificates without cert and key');
    if (TCPSetOption(this.listener, 'certreload', 1) !== 0) throw new Error(`serve: certificates not reloaded, the old ones go on: ${WebDevGetSecureError()}`);
    this.expiry.check();
  }

  async close(timeoutMs = 10_000): Promise<CloseResult> {
    this.expiry?.stop();
    this.metricsHttp?.close();
    this.metricsHttp?.closeAllConnections();
    if (!this.closing) {
      this.final = this.liveCounts();
      this.closing = true;
      TCPClose(this.listener); // every loop's wait (accept, or datagram receive) wakes with -10053 and the loop ends
    }
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all(this.loops).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.restarts.flush();
    let abandoned = 0;
    this.agent?.close();
    if (!finished) {
      // Reset what is still being served: the handler's next command fails, and its
      // thread is stopped with the pool.
      for (let i = ServeCounter.FirstLoop; i < this.counters.length; i++) {
        const socket = Atomics.exchange(this.counters, i, 0);
        if (socket !== 0) {
          abandoned++;
          if (this.kind !== 'datagram') TCPClose(socket, 2); // the datagram socket is closed already
        }
      }
    }
    this.abandoned += abandoned;
    if (this.ownPool) await (finished ? this.pool.close() : this.pool.destroy());
    const completed = [ServeCounter.Completed, ServeCounter.Requests, ServeCounter.Datagrams].reduce((sum, word) => sum + Atomics.load(this.counters, word), 0);
    return { completed, abandoned };
  }
}

/** A time-out option as the socket option takes it. */
function timeoutValue(name: string, value: number | 'infinite' | undefined, fallback: number): number | 'infinite' {
  if (value === undefined) return fallback;
  if (value === 'infinite' || value === Infinity) return 'infinite';
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`serve: ${name} must be a whole number of ms (0..2147483647) or 'infinite'`);
  }
  return value;
}

/**
 * Starts serving; resolves once listening with every thread ready (port 0: read the
 * chosen port from `.port`). Rejects when the handler module cannot be loaded or exports
 * no handler (with the module's own error), or the address cannot be listened on.
 */
export async function serve(options: ServeOptions): Promise<TcpServer> {
  const udp = options.udp === true;
  const udpRefusal = udp ? udpOptionsError(options) : undefined;
  if (udpRefusal !== undefined) throw new Error(udpRefusal);
  if (options.processes !== undefined) return serveProcesses(options);
  const timeout = timeoutValue('timeout', options.timeout, DEFAULT_TIMEOUT_MS);
  const idleTimeout = timeoutValue('idleTimeout', options.idleTimeout, DEFAULT_IDLE_TIMEOUT_MS);
  const drainIdleTimeout = timeoutValue('drainIdleTimeout', options.drainIdleTimeout, DEFAULT_DRAIN_IDLE_TIMEOUT_MS);
  const threads = Math.max(1, Math.floor(options.threads ?? 2));
  const pool = options.pool ?? new Pool({ threads });
  const ownPool = options.pool === undefined;
  const module = moduleUrl(options.handler);
  const log = createLogger(options.log, options.logLevel);
  const giveUp = async (message: string): Promise<never> => {
    if (ownPool) await pool.destroy();
    throw new Error(message);
  };
  let kind: HandlerKind;
  try {
    kind = await pool.checkHandler(module, udp);
  } catch (error) {
    return giveUp(`serve: handler ${String(options.handler)} cannot be used: ${(error as Error).message}`);
  }
  if (kind === 'datagram') {
    const socket = openDatagramSocket(options);
    if (socket instanceof Error) return giveUp(socket.message);
    return start(options, new Server(socket, pool, ownPool, module, kind, threads, log, options.metrics !== undefined && options.metrics !== false));
  }
  const listener = TCPSocket();
  if (listener < 0) return giveUp(`serve: TCPSocket failed: ${TCPErrorText(listener)}`);
  const settings: Array<[string, string | number | undefined]> = [
    ['address', options.address],
    ['mode', options.mode],
    ['backlog', options.backlog ?? 64],
    ['timeout', timeout],
    // verifyclient and clientca before cert and key: the context is built with the CAs once.
    ['clientca', options.clientCa],
    ['verifyclient', options.verifyClient],
    ['cert', options.cert],
    ['key', options.key],
    ['sni', options.sni],
    ['proxy', options.proxy === true ? 1 : undefined],
    ['listenfd', options.listenFd],
    ['heldfd', options.heldFd],
  ];
  for (const [name, value] of settings) {
    if (value === undefined) continue;
    const result = TCPSetOption(listener, name, value);
    if (result < 0) {
      TCPClose(listener);
      const detail = result === -1021 ? WebDevGetSecureError() : TCPErrorText(result);
      return giveUp(`serve: option ${name}: ${detail}`);
    }
  }
  let result = TCPBind(listener, options.port ?? 0);
  if (result === 0) result = TCPListen(listener);
  if (result === 0 && kind === 'request') {
    const ms = (value: number | 'infinite'): number | undefined => (value === 'infinite' ? undefined : value);
    result = watchConnections(listener, ms(idleTimeout), ms(drainIdleTimeout));
  }
  if (result < 0) {
    TCPClose(listener);
    const where = options.address !== undefined && isUnixAddress(options.address) ? options.address : `${options.address ?? '*'}:${String(options.port ?? 0)}`;
    return giveUp(`serve: cannot listen on ${where}: ${TCPErrorText(result)} (${result})`);
  }
  const server = new Server(listener, pool, ownPool, module, kind, threads, log, options.metrics !== undefined && options.metrics !== false);
  if (options.cert !== undefined) server.expiry = new ExpiryWatch(() => servedCertificateFiles(options), log);
  return start(options, server);
}

/** The certificate files a TLS serve() serves: `cert` and the `sni` ones. */
function servedCertificateFiles(options: ServeOptions): string[] {
  const sni = options.sni === undefined ? [] : parseSni(options.sni).map((entry) => entry.cert);
  return [...(options.cert === undefined ? [] : [options.cert]), ...sni];
}

/** Resolves with the server once every loop's thread has loaded the handler; closes it if one could not. */
async function start(options: ServeOptions, server: Server): Promise<TcpServer> {
  try {
    await server.ready();
  } catch (error) {
    await server.close(0);
    throw new Error(`serve: handler ${String(options.handler)} cannot be used: ${(error as Error).message}`);
  }
  if (typeof options.metrics === 'object') {
    try {
      server.metricsHttp = await startMetricsServer(options.metrics, server);
      server.metricsPort = metricsPortOf(server.metricsHttp);
    } catch (error) {
      await server.close(0);
      throw new Error(`serve: metrics: cannot listen on ${options.metrics.address ?? '*'}:${options.metrics.port}: ${(error as Error).message}`);
    }
  }
  if (options.agentPort !== undefined) {
    try {
      server.agent = await startAgent({ port: options.agentPort, address: options.agentAddress }, server);
      server.agentPort = agentPortOf(server.agent);
    } catch (error) {
      await server.close(0);
      throw new Error(`serve: agent: cannot listen on ${options.agentAddress ?? '*'}:${options.agentPort}: ${(error as Error).message}`);
    }
  }
  return server;
}
