/**
 * serve() in one process: listen, and run the handler's loops on pool threads
 * (tasks.ts, thread.ts); this thread only starts the loops, restarts one whose thread
 * died (with back-off), relays their log lines, counts, and closes. The module is
 * loaded and checked on a pool thread before the server listens; serve() resolves once
 * every thread has loaded it. The three kinds of handler are described in serve.ts.
 */
import { createLogger, type LogEntry } from '../operate/log.js';
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
import { engineFigures, metricsPortOf, type ServeFigures, startMetricsServer } from '../operate/metrics.js';
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { agentPortOf, type Health, startAgent, weightOf } from '../operate/agent.js';
import { moduleUrl, Pool } from '../pool/pool.js';
import { watchConnections, watchCounts } from './request-calls.js';
import { NO_BOARD } from '../protocol.js';
import { RestartBackoff } from './restart-backoff.js';
import { openDatagramSocket } from './udp-socket.js';
import { checkHandler, type LoopMessage, runLoop } from './tasks.js';
import {
  type CloseResult,
  DEFAULT_DRAIN_IDLE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  type HandlerKind,
  type ServeOptions,
  type ServeStats,
  type TcpServer,
} from '../serve-types.js';

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
    /** Request handlers: the server's board (protocol.ts Board), which its loops read. */
    private readonly board: number = NO_BOARD,
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
        await runLoop(this.pool, {
          kind: 'serve',
          mode: this.kind,
          module: this.handler,
          listener: this.listener,
          loop,
          counters: this.counters.buffer as SharedArrayBuffer,
          durations: this.durations?.buffer as SharedArrayBuffer | undefined,
          board: this.board,
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
        // (Negative: a finished connection waiting for the loop's next accept to close it.)
        if (socket < 0) TCPClose(-socket);
        else if (socket !== 0 && this.kind !== 'datagram') TCPClose(socket, 2); // a datagram socket serves the other loops too
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
    for (let i = ServeCounter.FirstLoop; i < this.counters.length; i++) if (Atomics.load(this.counters, i) > 0) running++;
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
        if (socket < 0) TCPClose(-socket); // finished, its close waiting for the loop's next accept
        else if (socket !== 0) {
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
 * serve() in this process (serve.ts chooses it when `processes` is not given): starts
 * serving; resolves once listening with every thread ready (port 0: read the
 * chosen port from `.port`). Rejects when the handler module cannot be loaded or exports
 * no handler (with the module's own error), or the address cannot be listened on.
 */
export async function serveInProcess(options: ServeOptions): Promise<TcpServer> {
  const udp = options.udp === true;
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
    kind = await checkHandler(pool, module, udp);
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
  let board: number = NO_BOARD;
  if (result === 0 && kind === 'request') {
    const ms = (value: number | 'infinite'): number | undefined => (value === 'infinite' ? undefined : value);
    const watched = watchConnections(listener, ms(idleTimeout), ms(drainIdleTimeout), threads);
    if (watched >= 0) board = watched;
    result = Math.min(0, watched);
  }
  if (result < 0) {
    TCPClose(listener);
    const where = options.address !== undefined && isUnixAddress(options.address) ? options.address : `${options.address ?? '*'}:${String(options.port ?? 0)}`;
    return giveUp(`serve: cannot listen on ${where}: ${TCPErrorText(result)} (${result})`);
  }
  const server = new Server(listener, pool, ownPool, module, kind, threads, log, options.metrics !== undefined && options.metrics !== false, board);
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
