/**
 * serve({ processes: N }): the supervising side. N serving processes (child.ts), each with
 * its own engine and pool threads, accept from one shared listening socket
 * (shared-port.ts). This process only supervises: it adds up their counts, restarts one
 * that dies (with back-off: src/backoff.ts), reloads gracefully (new processes first, then the
 * old ones drain), and drains them all on close().
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { CloseResult, ServeOptions, ServeStats, TcpServer } from '../serve-types.js';
import { moduleUrl } from '../pool/pool.js';
import { Backoff } from '../backoff.js';
import type { ChildServeOptions, ChildStats, FromChild, ToChild } from './messages.js';
import { HeldFile } from './held-file.js';
import { adoptSharedPort, bindSharedPort, type SharedPort } from './shared-port.js';
import { packageFile } from '../package-files.js';
import { isUnixAddress } from '../unix-address.js';
import { createLogger, type LogEntry } from '../operate/log.js';
import { addEngineFigures, type EngineFigures, metricsPortOf, type ServeFigures, startMetricsServer } from '../operate/metrics.js';
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { agentPortOf, type Health, startAgent, weightOf } from '../operate/agent.js';

const ENTRY = packageFile('workers/serve-process.mjs');
const DEFAULT_GRACE_MS = 10_000;
/** A drained process that has not exited this long after its grace period is killed. */
const KILL_AFTER_GRACE_MS = 5_000;
/** A process that lived this long before dying was not crash-looping: its restart is not delayed. */
const STABLE_MS = 10_000;

/** The counts of all processes, and the supervisor's own. */
export interface ProcessesStats extends ServeStats {
  /** Serving processes accepting now. */
  processes: number;
  /** Old processes finishing their connections (reload, close). */
  draining: number;
  /** Processes restarted after dying. */
  restarts: number;
  /**
   * Connections a process held when it died (in a handler, waiting for a thread, idle
   * between requests, not yet handed out): the kernel closed them under their clients.
   */
  lost: number;
  /** Connections reset for want of a valid PROXY header (the `proxy` option). */
  proxyRefused: number;
}

const CUMULATIVE = ['accepted', 'refused', 'failed', 'completed', 'handshakeFailures', 'proxyRefused', 'requests'] as const;
/** Counts of the moment, added up over the live processes only. */
const CURRENT = ['running', 'busyThreads', 'queued', 'idle'] as const;

function zero(): ChildStats {
  return { handler: 'connection', accepted: 0, running: 0, threads: 0, busyThreads: 0, queued: 0, idle: 0, requests: 0, refused: 0, failed: 0, completed: 0, handshakeFailures: 0, proxyRefused: 0, datagrams: 0, dropped: 0 };
}

class ServingProcess {
  stats = zero();
  ready = false;
  draining = false;
  final: { completed: number; abandoned: number } | undefined;
  readonly startedAt = Date.now();
  readonly exited: Promise<void>;
  private readyWaiter!: { resolve: () => void; reject: (error: Error) => void };
  readonly started: Promise<void>;

  constructor(
    readonly child: ChildProcess,
    readonly generation: number,
    /** Started in place of one that died. */
    readonly replacement: boolean,
    /** Its count of held connections, as its engine last wrote it. */
    readonly held: HeldFile,
  ) {
    this.started = new Promise((resolve, reject) => (this.readyWaiter = { resolve, reject }));
    this.started.catch(() => {});
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  onMessage(message: FromChild, log: (entry: LogEntry) => void): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return this.readyWaiter.resolve();
      case 'failed':
        return this.readyWaiter.reject(new Error(message.message));
      case 'stats':
        this.stats = message.stats;
        return;
      case 'log':
        return log(message.message);
      case 'closed':
        this.stats = message.stats;
        this.final = { completed: message.completed, abandoned: message.abandoned };
    }
  }

  send(message: ToChild): void {
    if (this.child.connected) this.child.send(message);
  }

  onExit(code: number | null, signal: string | null): void {
    this.readyWaiter.reject(new Error(`serving process exited before it was ready (${signal ?? `code ${String(code)}`})`));
  }
}

/** What serve({ processes }) resolves to: a supervisor of serving processes sharing one port. */
export class ProcessesServer implements TcpServer {
  readonly port: number;
  readonly address: string;
  private readonly live = new Set<ServingProcess>();
  /** The counts of processes gone. */
  private readonly retired = zero();
  private abandoned = 0;
  private restarts = 0;
  private lost = 0;
  /** The generation serving (restarted when one of its processes dies). */
  private generation = 0;
  /** The newest generation started (a reload's, while it starts). */
  private newest = 0;
  private closing: Promise<CloseResult> | undefined;
  /** 100 ms, doubling with each death in a row up to 10 s. */
  private readonly backoff = new Backoff({ firstMs: 100, maxMs: 10_000 });
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  /** Metrics of processes gone: their thread deaths, call durations, engine totals. */
  private retiredThreadDeaths = 0;
  private retiredDurations: number[] | undefined;
  private retiredEngine: EngineFigures | undefined;
  /** serve({ metrics: { port } }): the /metrics endpoint, served here, closed with the server. */
  metricsHttp: HttpServer | undefined;
  /** serve({ agentPort }): the agent-check listener, served here, closed with the server. */
  agent: NetServer | undefined;
  agentPort: number | undefined;
  /** reload()s under way: the agent says drain meanwhile. */
  private reloading = 0;

  constructor(
    private readonly shared: SharedPort,
    private readonly count: number,
    private readonly childOptions: ChildServeOptions,
    private readonly graceMs: number,
    private readonly log: (entry: LogEntry) => void,
  ) {
    this.port = shared.port;
    this.address = shared.address;
  }

  /**
   * Starts `count` processes of a new generation; once all accept, it is the generation
   * that is restarted when one dies. Rejects (and stops them) if one cannot start.
   * @returns a promise of the generation's number
   * @internal
   */
  async startGeneration(): Promise<number> {
    const generation = this.newest + 1;
    this.newest = generation;
    const started = Array.from({ length: this.count }, () => this.spawn(generation, false));
    try {
      await Promise.all(started.map((p) => p.started));
      this.generation = generation;
      return generation;
    } catch (error) {
      for (const p of started) p.child.kill('SIGKILL');
      await Promise.all(started.map((p) => p.exited));
      throw error;
    }
  }

  private spawn(generation: number, replacement: boolean): ServingProcess {
    // The shared socket becomes the child's descriptor 3 (LISTEN_FD), its count file 4
    // (HELD_FD); the IPC channel follows.
    const held = new HeldFile();
    const child = fork(ENTRY, [], { stdio: ['inherit', 'inherit', 'inherit', this.shared.fd, held.fd, 'ipc'] });
    const serving = new ServingProcess(child, generation, replacement, held);
    this.live.add(serving);
    child.on('message', (message: FromChild) => serving.onMessage(message, this.log));
    child.on('error', () => {}); // a failed send to a dying child: its 'exit' follows
    child.once('exit', (code, signal) => {
      serving.onExit(code, signal);
      this.onExit(serving, code, signal);
    });
    serving.send({ type: 'start', options: this.childOptions });
    return serving;
  }

  private onExit(serving: ServingProcess, code: number | null, signal: string | null): void {
    this.live.delete(serving);
    if (serving.final !== undefined) this.abandoned += serving.final.abandoned;
    // A replacement that could not even start is replaced again, after a longer wait.
    const died = (serving.ready || serving.replacement) && serving.final === undefined;
    // One that died without finishing a drain lost what it held at that moment, as its
    // engine wrote it to the file (a drained one reported what it had to end: abandoned).
    if (serving.final === undefined) this.lost += serving.held.read();
    serving.held.close();
    for (const key of CUMULATIVE) this.retired[key] += serving.stats[key];
    this.retiredThreadDeaths += serving.stats.threadDeaths ?? 0;
    this.retiredDurations = addRows(this.retiredDurations, serving.stats.durations);
    // What a gone engine moved stays counted; what it held open or its delays do not.
    const engine = serving.stats.engine;
    if (engine !== undefined) this.retiredEngine = addEngineFigures(this.retiredEngine, { ...engine, connections: 0, loopDelayMeanMs: 0, loopDelayP99Ms: 0, loopDelayMaxMs: 0 });
    if (!died || this.closing !== undefined || serving.draining || serving.generation !== this.generation) return;
    // A process that lived STABLE_MS before dying starts the count again.
    const delay = this.backoff.next(Date.now() - serving.startedAt >= STABLE_MS);
    this.log(`serve: serving process ${String(serving.child.pid)} died (${signal ?? `code ${String(code)}`}); restarting in ${delay} ms`);
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.closing !== undefined || serving.generation !== this.generation) return;
      this.restarts++;
      const replacement = this.spawn(this.generation, true);
      // One that cannot even start (its handler broke meanwhile) dies again: the back-off grows.
      replacement.started.catch((error: Error) => this.log(`serve: restart failed: ${error.message}`));
    }, delay);
    this.restartTimers.add(timer);
  }

  stats(): ProcessesStats {
    const total = { ...this.retired, threads: 0 };
    let processes = 0;
    let draining = 0;
    for (const serving of this.live) {
      if (serving.draining) draining++;
      for (const key of CUMULATIVE) total[key] += serving.stats[key];
      for (const key of CURRENT) total[key] += serving.stats[key];
      total.handler = serving.stats.handler;
      if (serving.ready && !serving.draining) {
        processes++;
        total.threads += serving.stats.threads;
      }
    }
    // A process that died took its running connections with it: they count as failed.
    return { ...total, failed: total.failed + this.lost, processes, draining, restarts: this.restarts, lost: this.lost };
  }

  /** The port of `/metrics` (metrics: { port }). */
  metricsPort: number | undefined;

  health(): Health {
    if (this.closing !== undefined || this.reloading > 0) return { state: 'drain' };
    const stats = this.stats();
    if (stats.processes === 0 || stats.threads === 0) return { state: 'down', reason: 'no process serving: they died, or the handler no longer loads' };
    const busy = [...this.live].filter((p) => p.ready && !p.draining).reduce((sum, p) => sum + p.stats.busyThreads, 0);
    return { state: 'up', weightPercent: weightOf(this.count * (this.childOptions.threads ?? 2), stats.threads, busy) };
  }

  /**
   * The children's figures added up (those of processes gone included), for metrics.
   * @returns the figures
   */
  figures(): ServeFigures {
    const stats = this.stats();
    const threads = stats.threads;
    let threadDeaths = this.retiredThreadDeaths;
    let durations = this.retiredDurations === undefined ? undefined : [...this.retiredDurations];
    let engine = this.retiredEngine === undefined ? undefined : { ...this.retiredEngine };
    for (const serving of this.live) {
      threadDeaths += serving.stats.threadDeaths ?? 0;
      durations = addRows(durations, serving.stats.durations);
      engine = addEngineFigures(engine, serving.stats.engine);
    }
    return { stats, threads, threadDeaths, abandoned: this.abandoned, durations, engine };
  }

  /**
   * New processes with the handler loaded afresh; once all accept, the old ones stop
   * accepting and finish their connections within the grace period.
   * @returns a promise resolved once the new processes accept; if a new one cannot start (its handler no longer loads), the old ones go on and it rejects
   */
  async reload(): Promise<void> {
    if (this.closing !== undefined) throw new Error('serve: reload after close');
    this.reloading++;
    try {
      const generation = await this.startGeneration();
      await this.drain([...this.live].filter((p) => p.generation < generation && !p.draining), this.graceMs);
    } finally {
      this.reloading--;
    }
  }

  /**
   * New processes read the certificate files as they start: a certificate reload is a reload.
   * @returns reload()'s promise
   */
  reloadCertificates(): Promise<void> {
    return this.reload();
  }

  private async drain(processes: ServingProcess[], graceMs: number): Promise<void> {
    await Promise.all(
      processes.map(async (serving) => {
        serving.draining = true;
        serving.send({ type: 'drain', graceMs });
        const killer = setTimeout(() => serving.child.kill('SIGKILL'), graceMs + KILL_AFTER_GRACE_MS);
        await serving.exited;
        clearTimeout(killer);
      }),
    );
  }

  close(timeoutMs = this.graceMs): Promise<CloseResult> {
    this.closing ??= (async () => {
      for (const timer of this.restartTimers) clearTimeout(timer);
      this.metricsHttp?.close();
      this.metricsHttp?.closeAllConnections();
      await this.drain([...this.live], timeoutMs);
      this.shared.close();
      this.agent?.close();
      return { completed: this.retired.completed, abandoned: this.abandoned };
    })();
    return this.closing;
  }
}

export async function serveProcesses(options: ServeOptions): Promise<ProcessesServer> {
  const count = options.processes ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error('serve: processes must be a whole number >= 1');
  if (options.pool !== undefined) throw new Error('serve: a pool cannot be shared with other processes (pool and processes)');
  // listenFd: a listening socket handed over (systemd's socket activation) instead of one bound here.
  const shared = options.listenFd !== undefined ? adoptSharedPort(options.listenFd) : await bindSharedPort(options.address, options.port, options.mode);
  const { pool: _pool, log: _log, processes: _processes, port: _port, address: _address, mode: _mode, listenFd: _fd, graceMs, metrics, agentPort, agentAddress, ...rest } = options;
  // A Unix-domain address goes along: each child's listener reports it as its connections' address.
  const unixAddress = isUnixAddress(shared.address) ? shared.address : undefined;
  // With metrics the children only measure (metrics: true) and report; this process serves /metrics.
  const measure = metrics !== undefined && metrics !== false ? { metrics: true } : {};
  const childOptions: ChildServeOptions = { ...rest, ...measure, handler: moduleUrl(options.handler), unixAddress };
  // The children limit their lines at the source; this limit is over all of them.
  const log = createLogger(options.log, options.logLevel);
  const server = new ProcessesServer(shared, count, childOptions, graceMs ?? DEFAULT_GRACE_MS, log);
  try {
    await server.startGeneration();
  } catch (error) {
    shared.close();
    throw error;
  }
  if (typeof metrics === 'object') {
    try {
      server.metricsHttp = await startMetricsServer(metrics, server);
      server.metricsPort = metricsPortOf(server.metricsHttp);
    } catch (error) {
      await server.close(0);
      throw new Error(`serve: metrics: cannot listen on ${metrics.address ?? '*'}:${metrics.port}: ${(error as Error).message}`);
    }
  }
  if (agentPort !== undefined) {
    try {
      server.agent = await startAgent({ port: agentPort, address: agentAddress }, server);
      server.agentPort = agentPortOf(server.agent);
    } catch (error) {
      await server.close(0);
      throw new Error(`serve: agent: cannot listen on ${agentAddress ?? '*'}:${agentPort}: ${(error as Error).message}`);
    }
  }
  return server;
}

/** Duration rows added up (either may be missing). */
function addRows(into: number[] | undefined, more: number[] | undefined): number[] | undefined {
  if (more === undefined) return into;
  if (into === undefined) return [...more];
  more.forEach((value, i) => (into[i] = (into[i] ?? 0) + value));
  return into;
}
