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
  loadRun,
  REQUEST_HANDLER,
  type ServerProcess,
  startOurServer,
  startPythonThreadingServer,
  startRawServer,
} from './serve-throughput.js';
import type { Row } from './stats.js';
import { measureSwitches } from './switches.js';

export type Interleaved = (name: string, measure: () => Promise<Record<string, number>>) => Promise<Record<string, number>>;

const SERVE_SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 3);

/** Our two forms, Python's ThreadingTCPServer and node:net, under one load each: requests per second and context switches per request. */
export async function serveThroughput(interleaved: Interleaved): Promise<Row[]> {
  const requests = await startOurServer(2, REQUEST_HANDLER);
  const connections = await startOurServer(2);
  const raw = await startRawServer();
  const python = await startPythonThreadingServer();
  const all = [requests, connections, raw, python];
  /**
   * One load against `server`, keyed `key`: its requests per second, and its context
   * switches per request (voluntary `.v` and forced `.f`, from /proc's live threads, and
   * `.ru` from the server's own getrusage; per thread role `.role.ROLE` for ours).
   */
  const measured = async (key: string, server: ServerProcess, perConnection: number, ours: boolean): Promise<Record<string, number>> => {
    const { result, switches } = await measureSwitches(server, ours, () => loadRun(server.port, perConnection, SERVE_SECONDS));
    const per = (n: number): number => n / Math.max(1, result.completed);
    const values: Record<string, number> = {
      [key]: result.perSecond,
      [`${key}.v`]: per(switches.proc.voluntary),
      [`${key}.f`]: per(switches.proc.forced),
      [`${key}.sw`]: per(switches.proc.voluntary + switches.proc.forced),
      [`${key}.ru`]: per(switches.rusage.voluntary + switches.rusage.forced),
    };
    if (ours) for (const [role, r] of Object.entries(switches.roles)) values[`${key}.role.${role}`] = per(r.voluntary + r.forced);
    const roles = Object.entries(switches.roles)
      .map(([role, r]) => `${role}${r.threads > 1 ? ` x${r.threads}` : ''} ${per(r.voluntary).toFixed(2)}v+${per(r.forced).toFixed(2)}f`)
      .join(', ');
    process.stderr.write(
      `  ${key}: ${result.completed} requests, switches per request ${per(switches.proc.voluntary + switches.proc.forced).toFixed(2)} ` +
        `(/proc, live threads; getrusage ${per(switches.rusage.voluntary + switches.rusage.forced).toFixed(2)}): ${roles}\n`,
    );
    return values;
  };
  try {
    // Warm-up with both loads measured: a connection handler first met 10-request connections
    // in its first measured run (1 s of 1-request ones before), which ran 0.7x its later runs.
    for (const server of all) for (const perConnection of [1, 10]) await loadGenerator(server.port, perConnection, 1);
    const m = await interleaved('serve', async () => ({
      ...(await measured('req1', requests, 1, true)),
      ...(await measured('raw1', raw, 1, false)),
      ...(await measured('py1', python, 1, false)),
      ...(await measured('req10', requests, 10, true)),
      ...(await measured('conn10', connections, 10, true)),
      ...(await measured('raw10', raw, 10, false)),
      ...(await measured('py10', python, 10, false)),
    }));
    const peers = (n: 1 | 10, suffix = ''): Record<string, number> => ({
      ...(n === 10 && suffix !== '' ? { 'connection handler': m[`conn10${suffix}`]! } : {}),
      'ThreadingTCPServer': m[`py${n}${suffix}`]!,
      'node:net server': m[`raw${n}${suffix}`]!,
    });
    const rows: Row[] = [
      { figure: 'serve() request handler, 2 threads, 64 clients, 1 request per connection', ours: m.req1!, peers: peers(1), unit: 'requests/s', better: 'higher' },
      { figure: 'serve() request handler, 2 threads, 64 clients, 10 requests per connection', ours: m.req10!, peers: peers(10), unit: 'requests/s', better: 'higher' },
      { figure: 'serve() connection handler, 2 threads, 64 clients, 10 requests per connection', ours: m.conn10!, peers: peers(10), unit: 'requests/s', better: 'higher' },
    ];
    for (const n of [1, 10] as const) {
      const load = `64 clients x ${n} request${n === 1 ? '' : 's'}`;
      const switches = (what: string, suffix: string): Row => ({
        figure: `context switches per request, ${load}, request handler: ${what}`,
        ours: m[`req${n}${suffix}`]!,
        peers: peers(n, suffix),
        unit: 'switches',
        better: 'lower',
      });
      rows.push(
        switches('voluntary + forced, all live threads of the server process (/proc/PID/task/*/status)', '.sw'),
        switches('voluntary', '.v'),
        switches('forced (nonvoluntary)', '.f'),
        switches("the server's own getrusage (threads that ended counted too)", '.ru'),
      );
      const roles = Object.keys(m)
        .filter((key) => key.startsWith(`req${n}.role.`))
        .map((key) => key.slice(`req${n}.role.`.length));
      rows.push({
        figure: `context switches per request, ${load}, request handler: ours by thread (/proc)`,
        ours: m[`req${n}.sw`]!,
        peers: Object.fromEntries(roles.map((role) => [role === 'pool' ? 'pool threads' : role, m[`req${n}.role.${role}`]!])),
        unit: 'switches',
        better: 'lower',
        ratios: false,
      });
    }
    return rows;
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
