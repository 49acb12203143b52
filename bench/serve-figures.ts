/**
 * The serve() figures of `npm run bench`: throughput against node:net and Python's
 * ThreadingTCPServer (`serve`), the keep-alive figure (`keepalive`), and thread start
 * time and memory (`serve-start`). Each takes the suite's interleaving runner.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  loadGenerator,
  REQUEST_HANDLER,
  type ServerProcess,
  startOurServer,
  startPythonThreadingServer,
  startRawServer,
} from './serve-throughput.js';
import type { Row } from './stats.js';

export type Interleaved = (name: string, measure: () => Promise<Record<string, number>>) => Promise<Record<string, number>>;

const SERVE_SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 3);

export async function serveThroughput(interleaved: Interleaved): Promise<Row[]> {
  const requests = await startOurServer(2, REQUEST_HANDLER);
  const connections = await startOurServer(2);
  const raw = await startRawServer();
  const python = await startPythonThreadingServer();
  const all = [requests, connections, raw, python];
  try {
    for (const server of all) await loadGenerator(server.port, 1, 1); // warm up
    const m = await interleaved('serve', async () => ({
      req1: await loadGenerator(requests.port, 1, SERVE_SECONDS),
      raw1: await loadGenerator(raw.port, 1, SERVE_SECONDS),
      py1: await loadGenerator(python.port, 1, SERVE_SECONDS),
      req10: await loadGenerator(requests.port, 10, SERVE_SECONDS),
      conn10: await loadGenerator(connections.port, 10, SERVE_SECONDS),
      raw10: await loadGenerator(raw.port, 10, SERVE_SECONDS),
      py10: await loadGenerator(python.port, 10, SERVE_SECONDS),
    }));
    const peers = (n: 1 | 10): Record<string, number> => ({
      'ThreadingTCPServer': m[`py${n}`]!,
      'node:net server': m[`raw${n}`]!,
    });
    return [
      { figure: 'serve() request handler, 2 threads, 64 clients, 1 request per connection', ours: m.req1!, peers: peers(1), unit: 'requests/s', better: 'higher' },
      { figure: 'serve() request handler, 2 threads, 64 clients, 10 requests per connection', ours: m.req10!, peers: peers(10), unit: 'requests/s', better: 'higher' },
      { figure: 'serve() connection handler, 2 threads, 64 clients, 10 requests per connection', ours: m.conn10!, peers: peers(10), unit: 'requests/s', better: 'higher' },
    ];
  } finally {
    for (const server of all) server.stop();
  }
}

// ---- keep-alive: many connections, each with a request now and then -------------------------

const KEEPALIVE_CONNECTIONS = Number(process.env.BENCH_KEEPALIVE_CONNECTIONS ?? 5000);
const KEEPALIVE_INTERVAL_MS = 2000;
const KEEPALIVE_SECONDS = Number(process.env.BENCH_KEEPALIVE_SECONDS ?? 30);
/**
 * Both servers get 3 s of the same load before the 30 s measured: started fresh for each
 * run, ours answered its first ~0.5 s in up to 150 ms (its JIT warming up; p99 19 ms for
 * the same server's second run), which is a start-up figure, not this one.
 */
const KEEPALIVE_WARMUP_SECONDS = 3;

interface KeepAliveRun {
  sent: number;
  answered: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** Server RSS growth per connection once all are open and idle, bytes. */
  bytesPerIdle: number;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function keepAliveRun(server: ServerProcess): Promise<KeepAliveRun> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = rssOf(server.pid);
  const client = spawn(process.execPath, [
    new URL('./peers/keepalive-clients.mjs', import.meta.url).pathname,
    String(server.port),
    String(KEEPALIVE_CONNECTIONS),
    String(KEEPALIVE_INTERVAL_MS),
    String(KEEPALIVE_SECONDS),
    String(KEEPALIVE_WARMUP_SECONDS),
  ]);
  const lines = createInterface({ input: client.stdout });
  const next = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
  const opened = await next();
  if (opened !== 'open') throw new Error(`keep-alive client: ${opened}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const bytesPerIdle = (rssOf(server.pid) - before) / KEEPALIVE_CONNECTIONS;
  client.stdin.write('go\n');
  const result = JSON.parse(await next()) as Omit<KeepAliveRun, 'bytesPerIdle'>;
  return { ...result, bytesPerIdle };
}

export async function keepAlive(interleaved: Interleaved): Promise<Row[]> {
  const figures: Record<string, KeepAliveRun[]> = { ours: [], raw: [] };
  const m = await interleaved('keep-alive', async () => {
    // Opening 5,000 connections on a busy 2-core machine can take longer than the default
    // idleTimeout (60 s): the first ones would be closed before the figure starts.
    const ours = await startOurServer(4, REQUEST_HANDLER, 600_000);
    let oursRun: KeepAliveRun;
    try {
      oursRun = await keepAliveRun(ours);
    } finally {
      ours.stop();
    }
    const raw = await startRawServer();
    let rawRun: KeepAliveRun;
    try {
      rawRun = await keepAliveRun(raw);
    } finally {
      raw.stop();
    }
    figures.ours!.push(oursRun);
    figures.raw!.push(rawRun);
    process.stderr.write(`  ours ${JSON.stringify(oursRun)}\n  raw  ${JSON.stringify(rawRun)}\n`);
    return {
      oursP99: oursRun.p99,
      rawP99: rawRun.p99,
      oursUnanswered: oursRun.sent - oursRun.answered + oursRun.errors,
      rawUnanswered: rawRun.sent - rawRun.answered + rawRun.errors,
      oursIdle: oursRun.bytesPerIdle / 1024,
      rawIdle: rawRun.bytesPerIdle / 1024,
    };
  });
  const figure = `${KEEPALIVE_CONNECTIONS} keep-alive connections, a request every 2 s each for ${KEEPALIVE_SECONDS} s after ${KEEPALIVE_WARMUP_SECONDS} s of warm-up, 4 threads`;
  return [
    { figure: `${figure}: p99 latency`, ours: m.oursP99!, peers: { 'node:net server': m.rawP99! }, unit: 'ms', better: 'lower' },
    { figure: `${figure}: requests not answered`, ours: m.oursUnanswered!, peers: { 'node:net server': m.rawUnanswered! }, unit: 'requests', better: 'lower' },
    { figure: `${figure}: server memory per idle connection`, ours: m.oursIdle!, peers: { 'node:net server': m.rawIdle! }, unit: 'KiB', better: 'lower' },
  ];
}

// ---- thread start ----------------------------------------------------------------------------

function startProbe(threads: number): Promise<{ startMs: number; cpuMsPerThread: number; rssPerThreadMiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./servers/start-probe.mjs', import.meta.url).pathname, String(threads)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`start probe exited ${code}`))));
  });
}

export async function serveStart(interleaved: Interleaved): Promise<Row[]> {
  const m = await interleaved('serve-start', async () => {
    const eight = await startProbe(8);
    const fifty = await startProbe(50);
    return {
      start8: eight.startMs,
      cpu8: eight.cpuMsPerThread,
      rss8: eight.rssPerThreadMiB,
      start50: fifty.startMs,
      cpu50: fifty.cpuMsPerThread,
      rss50: fifty.rssPerThreadMiB,
    };
  });
  const rows: Row[] = [];
  for (const n of [8, 50]) {
    const figure = `serve() with ${n} threads, plain JavaScript request handler`;
    rows.push(
      { figure: `${figure}: until serve() resolved`, ours: m[`start${n}`]!, peers: {}, unit: 'ms', better: 'lower' },
      { figure: `${figure}: CPU per thread started`, ours: m[`cpu${n}`]!, peers: {}, unit: 'ms', better: 'lower' },
      { figure: `${figure}: resident memory per thread`, ours: m[`rss${n}`]!, peers: {}, unit: 'MiB', better: 'lower' },
    );
  }
  return rows;
}
