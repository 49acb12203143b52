/**
 * Prometheus metrics (docs/operating.md): serve({ metrics }) serves `/metrics` over
 * HTTP from the process that called serve() (with `processes`, the supervisor, adding up
 * its children's counts); tcpCommandsCollector(registry) registers the same figures in a
 * prom-client registry of the user's. Everything is read when scraped: the serving
 * threads only move counters they move anyway (plus, with `metrics`, a duration per
 * handler call in a row of their own), so an unscraped server pays nothing more.
 *
 * prom-client is loaded when metrics are first asked for, never by the library otherwise.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Counter, Gauge, Registry } from 'prom-client';
import { TCPStats } from '../commands/inspect.js';
import type { EngineStats } from '../engine-stats.js';
import type { ServeStats } from '../serve-types.js';
import { DURATION_BUCKETS } from './duration-buckets.js';

type PromClient = typeof import('prom-client');
let promClient: PromClient | undefined;
function prom(): PromClient {
  promClient ??= createRequire(import.meta.url)('prom-client') as PromClient;
  return promClient;
}

/** The engine's figures metrics use (one engine's, or added up over processes). */
export interface EngineFigures {
  /** Connections open in the engine(s) now. */
  connections: number;
  /** Bytes received by every connection, closed ones included. */
  bytesIn: number;
  /** Bytes sent by every connection, closed ones included. */
  bytesOut: number;
  /** Reads calling threads made themselves (the direct path). */
  directReads: number;
  /** Writes calling threads made themselves (the direct path). */
  directWrites: number;
  /** Requests the engine thread(s) dispatched. */
  engineCalls: number;
  /** Engine threads replaced after they died. */
  engineRestarts: number;
  /** Event-loop delay, ms: the worst process's mean. */
  loopDelayMeanMs: number;
  /** Event-loop delay, ms: the worst process's 99th percentile. */
  loopDelayP99Ms: number;
  /** Event-loop delay, ms: the worst process's longest. */
  loopDelayMaxMs: number;
}

/** What a server's metrics are made of: its stats, and what stats() does not say. */
export interface ServeFigures {
  /** The server's stats(), with the counts of `processes` when it has them. */
  stats: ServeStats & {
    /** Connections reset for want of a valid PROXY header. */
    proxyRefused?: number;
    /** Serving processes accepting now. */
    processes?: number;
    /** Old processes finishing their connections. */
    draining?: number;
    /** Serving processes restarted after dying. */
    restarts?: number;
    /** Connections a serving process held when it died. */
    lost?: number;
  };
  /** Pool threads serving (over every accepting process). */
  threads: number;
  /** Handler threads that died and were replaced. */
  threadDeaths: number;
  /** Connections still being served when a close or drain ran out of time. */
  abandoned: number;
  /** Handler call durations: per-bucket counts (DURATION_BUCKETS, +Inf last, not cumulative) and their sum; undefined when not measured. */
  durations: number[] | undefined;
  /** The engine figures (added up over processes); undefined when there is no engine. */
  engine: EngineFigures | undefined;
}

export function engineFigures(stats: EngineStats | number = TCPStats()): EngineFigures | undefined {
  if (typeof stats === 'number') return undefined;
  return {
    connections: stats.sockets.connections,
    bytesIn: stats.bytesIn,
    bytesOut: stats.bytesOut,
    directReads: stats.directReads,
    directWrites: stats.directWrites,
    engineCalls: stats.engineCalls,
    engineRestarts: stats.engineRestarts,
    loopDelayMeanMs: stats.loopDelay.meanMs,
    loopDelayP99Ms: stats.loopDelay.p99Ms,
    loopDelayMaxMs: stats.loopDelay.maxMs,
  };
}

/** Engine figures of several processes added up (delays: the worst). */
export function addEngineFigures(into: EngineFigures | undefined, more: EngineFigures | undefined): EngineFigures | undefined {
  if (more === undefined) return into;
  if (into === undefined) return { ...more };
  for (const key of ['connections', 'bytesIn', 'bytesOut', 'directReads', 'directWrites', 'engineCalls', 'engineRestarts'] as const) into[key] += more[key];
  for (const key of ['loopDelayMeanMs', 'loopDelayP99Ms', 'loopDelayMaxMs'] as const) into[key] = Math.max(into[key], more[key]);
  return into;
}

/** A server whose figures metrics can read: what serve() returns. */
export interface MeasuredServer {
  /**
   * What the server's metrics are made of now.
   * @returns its stats and the figures stats() does not say
   */
  figures(): ServeFigures;
}

/** A counter whose value is a total kept elsewhere: set at each scrape. */
function total(registry: Registry, name: string, help: string, read: () => number | undefined, labelNames: string[] = [], labelled?: () => Array<[Record<string, string>, number]>): Counter {
  const { Counter } = prom();
  return new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      if (labelled !== undefined) {
        for (const [labels, value] of labelled()) this.inc(labels, Math.max(0, value));
        return;
      }
      const value = read();
      if (value !== undefined) this.inc(Math.max(0, value));
    },
  });
}

function gauge(registry: Registry, name: string, help: string, read: () => number | undefined): Gauge {
  const { Gauge } = prom();
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value !== undefined) this.set(value);
    },
  });
}

/**
 * A histogram whose buckets are counted by the serving threads (counters.ts): prom-client's
 * Histogram counts observations itself, so this is a metric object of the shape a
 * prom-client Registry reads (name, help, type, get()).
 */
function durationHistogram(registry: Registry, name: string, help: string, read: () => number[] | undefined): void {
  registry.registerMetric({
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const rows = read();
      const values: Array<{ value: number; labels: Record<string, string | number>; metricName: string }> = [];
      if (rows !== undefined) {
        let cumulative = 0;
        DURATION_BUCKETS.forEach((bound, i) => {
          cumulative += rows[i]!;
          values.push({ value: cumulative, labels: { le: bound }, metricName: `${name}_bucket` });
        });
        cumulative += rows[DURATION_BUCKETS.length]!;
        values.push({ value: cumulative, labels: { le: '+Inf' }, metricName: `${name}_bucket` });
        values.push({ value: rows[DURATION_BUCKETS.length + 1]!, labels: {}, metricName: `${name}_sum` });
        values.push({ value: cumulative, labels: {}, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
    reset() {},
  } as unknown as Parameters<Registry['registerMetric']>[0]);
}

/**
 * Registers tcp-commands' metrics (`tcp_commands_` names) in a prom-client registry: with
 * `server` (what serve() returned), the server's counts (over all its processes); without,
 * this process's engine figures from TCPStats() (bytes, connections, engine calls and
 * direct reads/writes, engine restarts, event-loop delay). Read at each scrape.
 * @param registry - a prom-client Registry, e.g. its default `register`
 * @param server - a server from serve() (`metrics: true` adds the handler call durations); omitted: the engine figures alone
 */
export function tcpCommandsCollector(registry: Registry, server?: MeasuredServer): void {
  // One read per scrape, shared by every metric of it: a snapshot taken at most 50 ms ago.
  let taken = 0;
  let snapshot: ServeFigures | undefined;
  let engineOnly: EngineFigures | undefined;
  const read = (): void => {
    if (Date.now() - taken < 50) return;
    taken = Date.now();
    if (server !== undefined) snapshot = server.figures();
    else engineOnly = engineFigures();
  };
  const engine = (): EngineFigures | undefined => {
    read();
    return server === undefined ? engineOnly : snapshot?.engine;
  };
  const ms = (value: number | undefined): number | undefined => (value === undefined ? undefined : value / 1000);
  const p = 'tcp_commands_';

  total(registry, `${p}received_bytes_total`, 'Bytes received by every connection of the engine(s), closed ones included.', () => engine()?.bytesIn);
  total(registry, `${p}sent_bytes_total`, 'Bytes sent by every connection of the engine(s), closed ones included.', () => engine()?.bytesOut);
  gauge(registry, `${p}connections_open`, 'Connections open in the engine(s) now.', () => engine()?.connections);
  total(registry, `${p}engine_calls_total`, 'Requests the engine thread dispatched (engine-path commands and serve() calls).', () => engine()?.engineCalls);
  total(registry, `${p}direct_calls_total`, 'Reads and writes made by calling threads themselves (the direct path), bypassing the engine.', () => undefined, ['kind'], () => {
    const figures = engine();
    return figures === undefined ? [] : [[{ kind: 'read' }, figures.directReads], [{ kind: 'write' }, figures.directWrites]];
  });
  total(registry, `${p}engine_restarts_total`, 'Engine threads replaced after they died.', () => engine()?.engineRestarts);
  gauge(registry, `${p}engine_event_loop_delay_mean_seconds`, "The engine thread's mean event-loop delay over the last window (10-20 s).", () => ms(engine()?.loopDelayMeanMs));
  gauge(registry, `${p}engine_event_loop_delay_p99_seconds`, "The engine thread's 99th percentile event-loop delay over the last window.", () => ms(engine()?.loopDelayP99Ms));
  gauge(registry, `${p}engine_event_loop_delay_max_seconds`, "The engine thread's longest event-loop delay over the last window.", () => ms(engine()?.loopDelayMaxMs));
  if (server === undefined) return;

  const figures = (): ServeFigures => {
    read();
    return snapshot!;
  };
  const stat = (key: keyof ServeFigures['stats']) => (): number | undefined => {
    const value = figures().stats[key];
    return typeof value === 'number' ? value : undefined;
  };
  total(registry, `${p}connections_accepted_total`, 'Connections accepted (handed to a connection handler, or taken under the engine watch for a request handler).', stat('accepted'));
  gauge(registry, `${p}connections_idle`, 'Request handlers: connections waiting in the engine for their next request, holding no thread.', stat('idle'));
  gauge(registry, `${p}connections_waiting`, 'Connections waiting for a free thread (request handlers: with bytes to read).', stat('queued'));
  total(registry, `${p}requests_total`, 'Request handler calls that returned.', stat('requests'));
  total(registry, `${p}connections_completed_total`, 'Connection handlers that returned.', stat('completed'));
  total(registry, `${p}datagrams_total`, 'Datagram handler calls that returned.', stat('datagrams'));
  total(registry, `${p}datagrams_dropped_total`, 'Datagrams lost because they came faster than the threads took them.', stat('dropped'));
  total(registry, `${p}handler_failures_total`, 'Handler calls that threw, or whose thread (or process) died under them.', stat('failed'));
  total(registry, `${p}connections_refused_total`, 'Connections reset because backlog of them already waited for a thread.', stat('refused'));
  total(registry, `${p}connections_abandoned_total`, 'Connections still being served when a close or drain ran out of time (reset or closed).', () => figures().abandoned);
  total(registry, `${p}connections_lost_total`, 'Connections a serving process held when it died.', stat('lost'));
  total(registry, `${p}tls_handshake_failures_total`, 'TLS clients whose handshake failed.', stat('handshakeFailures'));
  total(registry, `${p}proxy_refused_total`, 'Connections reset for want of a valid PROXY protocol header.', stat('proxyRefused'));
  gauge(registry, `${p}threads`, 'Pool threads serving.', () => figures().threads);
  gauge(registry, `${p}threads_busy`, 'Threads in a handler call now.', stat('busyThreads'));
  total(registry, `${p}thread_restarts_total`, 'Handler threads that died and were replaced.', () => figures().threadDeaths);
  gauge(registry, `${p}processes`, 'Serving processes accepting now (processes option; 1 without it).', () => figures().stats.processes ?? 1);
  gauge(registry, `${p}processes_draining`, 'Old serving processes finishing their connections (reload, close).', () => figures().stats.draining ?? 0);
  total(registry, `${p}process_restarts_total`, 'Serving processes restarted after dying.', () => figures().stats.restarts ?? 0);
  durationHistogram(registry, `${p}request_duration_seconds`, 'Handler call durations: per request (request handlers), per connection (connection handlers), per datagram.', () => figures().durations);
}

/**
 * Of prom-client's default metrics (collectDefaultMetrics), the process's own, registered
 * one by one: CPU, memory, descriptors, start time, node's heap and its spaces, node's
 * version. Left out: nodejs_active_handles_total, nodejs_active_requests_total and
 * nodejs_active_resources_total, gauges named as counters, which `promtool check metrics`
 * rejects ("non-counter metrics should not have _total suffix"); and the event-loop lag
 * monitor and GC observer, which would cost the serving process whether scraped or not
 * (the engine thread's delay is tcp_commands_engine_event_loop_delay_*).
 */
const DEFAULT_COLLECTORS = ['processCpuTotal', 'processStartTime', 'osMemoryHeap', 'processOpenFileDescriptors', 'processMaxFileDescriptors', 'heapSizeAndUsed', 'heapSpacesSizeAndUsed', 'version'];

function registerProcessMetrics(registry: Registry): void {
  const require = createRequire(import.meta.url);
  for (const name of DEFAULT_COLLECTORS) {
    (require(`prom-client/lib/metrics/${name}`) as (registry: Registry, config: object) => void)(registry, {});
  }
}

/** serve()'s `metrics: { port, address }`: where `/metrics` is served. */
export interface MetricsOptions {
  /** The HTTP port of `/metrics` (0: the OS chooses; `server.metricsPort` says which). */
  port: number;
  /** Its local address; all interfaces by default. */
  address?: string;
}

/** The HTTP endpoint: GET /metrics, everything else 404. */
export async function startMetricsServer(options: MetricsOptions, server: MeasuredServer): Promise<HttpServer> {
  const { Registry } = prom();
  const registry = new Registry();
  tcpCommandsCollector(registry, server);
  registerProcessMetrics(registry);
  const http = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.address, () => {
      http.off('error', reject);
      resolve();
    });
  });
  return http;
}

export function metricsPortOf(http: HttpServer): number {
  return (http.address() as AddressInfo).port;
}
