// serve({ metrics }) and tcpcmd serve --metrics-port: Prometheus text at /metrics, scraped
// over HTTP as Prometheus does, checked by promtool (Debian `prometheus`; skipped, saying
// so, where it is missing), and read back through a real Prometheus's own HTTP API.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Registry } from 'prom-client';
import { serve, TCPClose, TCPConnect, TCPSend, tcpCommandsCollector } from '../src/index.js';
import { until } from './helpers/wait-for.js';

const lineHandler = new URL('./fixtures/handlers/request-lines.mjs', import.meta.url);
const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const promtoolMissing = promtool.error !== undefined;
const prometheus = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
const prometheusMissing = prometheus.error !== undefined;

async function scrape(port: number, path = '/metrics'): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** A sample's value in Prometheus text ('name' or 'name{labels}'); undefined when absent. */
function sample(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `)) return Number(line.slice(name.length + 1));
  }
  return undefined;
}

/** `count` requests of one line each over one kept-alive connection; resolves when all are answered. */
async function requests(port: number, count: number): Promise<number> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.setEncoding('utf8');
  let answered = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        buffered = buffered.slice(end + 1);
        if (++answered === count) return resolve();
        socket.write(`ask ${answered}\n`);
      }
    });
    socket.once('connect', () => socket.write('ask 0\n'));
  });
  socket.end();
  return answered;
}

function checkMetrics(text: string): { code: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

test('serve({ metrics }): /metrics counts the requests, their durations and bytes; promtool passes it', async (t) => {
  const server = await serve({ handler: lineHandler, address: '127.0.0.1', threads: 2, metrics: { port: 0, address: '127.0.0.1' } });
  try {
    t.is(typeof server.metricsPort, 'number');
    t.is(await requests(server.port, 200), 200);
    await until(() => server.stats().requests === 200);
    const { status, type, text } = await scrape(server.metricsPort!);
    t.is(status, 200);
    t.regex(type, /^text\/plain; version=0\.0\.4/);
    t.is(sample(text, 'tcp_commands_requests_total'), 200);
    t.is(sample(text, 'tcp_commands_connections_accepted_total'), 1);
    t.is(sample(text, 'tcp_commands_request_duration_seconds_count'), 200);
    t.is(sample(text, 'tcp_commands_request_duration_seconds_bucket{le="+Inf"}'), 200);
    t.true(sample(text, 'tcp_commands_request_duration_seconds_sum')! > 0);
    t.is(sample(text, 'tcp_commands_threads'), 2);
    t.is(sample(text, 'tcp_commands_handler_failures_total'), 0);
    // "ask N\n" in, "<pid> 1 ask N\n" out: at least the request lines' bytes each way.
    t.true(sample(text, 'tcp_commands_received_bytes_total')! >= 200 * 6, text);
    t.true(sample(text, 'tcp_commands_sent_bytes_total')! >= 200 * 6, text);
    t.true(sample(text, 'tcp_commands_engine_calls_total')! > 0);
    t.not(sample(text, 'process_cpu_seconds_total'), undefined, 'prom-client default process metrics');
    t.is((await scrape(server.metricsPort!, '/')).status, 404);
    if (promtoolMissing) {
      t.log('promtool check metrics skipped: promtool is not installed (Debian package prometheus)');
    } else {
      const check = checkMetrics(text);
      t.is(check.code, 0, check.output);
      t.is(check.output.trim(), '', 'no lint findings');
    }
  } finally {
    await server.close();
  }
  await t.throwsAsync(fetch(`http://127.0.0.1:${server.metricsPort}/metrics`), undefined, 'the endpoint closes with the server');
});

test('serve({ processes: 2, metrics }): the supervisor serves the counts added up over the processes', async (t) => {
  const server = await serve({ handler: lineHandler, address: '127.0.0.1', threads: 1, processes: 2, metrics: { port: 0, address: '127.0.0.1' } });
  try {
    // Several connections at once, so both processes take some.
    const answered = await Promise.all(Array.from({ length: 8 }, () => requests(server.port, 50)));
    t.deepEqual(answered, Array(8).fill(50));
    let text = '';
    t.true(
      await until(() => server.stats().requests === 400, 20_000),
      'the children reported every request',
    );
    text = (await scrape(server.metricsPort!)).text;
    t.is(sample(text, 'tcp_commands_requests_total'), 400);
    t.is(sample(text, 'tcp_commands_request_duration_seconds_count'), 400);
    t.is(sample(text, 'tcp_commands_connections_accepted_total'), 8);
    t.is(sample(text, 'tcp_commands_processes'), 2);
    t.is(sample(text, 'tcp_commands_threads'), 2, 'one thread in each of two processes');
    t.true(sample(text, 'tcp_commands_received_bytes_total')! >= 400 * 6, 'the children engines\' bytes');
    await server.reload!();
    // The old processes' counts stay after they are gone.
    const after = (await scrape(server.metricsPort!)).text;
    t.is(sample(after, 'tcp_commands_requests_total'), 400);
    t.is(sample(after, 'tcp_commands_request_duration_seconds_count'), 400);
    if (!promtoolMissing) {
      const check = checkMetrics(after);
      t.is(check.code, 0, check.output);
    }
  } finally {
    await server.close();
  }
});

test('tcpCommandsCollector(registry): a library user outside serve() gets the engine figures in a registry of their own', async (t) => {
  // The peer only accepts (the kernel does that while this thread blocks in a command); nothing is read back.
  const peer = net.createServer(() => {});
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
  const registry = new Registry();
  tcpCommandsCollector(registry);
  const before = sample(await registry.metrics(), 'tcp_commands_sent_bytes_total') ?? 0;
  try {
    const socket = TCPConnect('127.0.0.1', (peer.address() as net.AddressInfo).port);
    t.true(socket > 0);
    t.is(TCPSend(socket, 'x'.repeat(1000)), 1000);
    await new Promise((resolve) => setTimeout(resolve, 60)); // past the collector's 50 ms snapshot
    const text = await registry.metrics();
    t.is(sample(text, 'tcp_commands_sent_bytes_total')! - before, 1000);
    t.true(sample(text, 'tcp_commands_connections_open')! >= 1);
    t.is(sample(text, 'tcp_commands_requests_total'), undefined, 'no serve() counts without a server');
    TCPClose(socket);
    if (!promtoolMissing) t.is(checkMetrics(text).code, 0, checkMetrics(text).output);
  } finally {
    peer.close();
  }
});

function start(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [tcpcmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

test('tcpcmd serve --metrics-port: a real Prometheus scrapes it and reads the request counter back', async (t) => {
  const served = start(['serve', '--handler', lineHandler.pathname, '--address', '127.0.0.1', '--metrics-port', '0', '--metrics-address', '127.0.0.1']);
  let prom: ReturnType<typeof start> | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tcp-metrics-'));
  try {
    t.true(await until(() => /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/.test(served.output()) || served.child.exitCode !== null, 30_000), served.output());
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(served.output())![1]);
    const metricsPort = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(served.output())![1]);
    t.is(await requests(port, 1000), 1000);
    const { text } = await scrape(metricsPort);
    t.is(sample(text, 'tcp_commands_requests_total'), 1000);
    if (prometheusMissing) {
      t.log('the real Prometheus part skipped: prometheus is not installed (Debian package prometheus)');
      return;
    }
    const apiPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: tcpcmd\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`,
    );
    prom = spawnProcess('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${apiPort}`]);
    let value: number | undefined;
    const query = async (): Promise<void> => {
      try {
        const response = await fetch(`http://127.0.0.1:${apiPort}/api/v1/query?query=tcp_commands_requests_total`);
        const body = (await response.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
        const result = body.data?.result?.[0];
        if (result !== undefined) value = Number(result.value[1]);
      } catch {
        // not up yet
      }
    };
    const deadline = Date.now() + 60_000;
    while (value === undefined && Date.now() < deadline && prom.child.exitCode === null) {
      await query();
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    t.is(value, 1000, prom.output().slice(-2000));
    const up = await (await fetch(`http://127.0.0.1:${apiPort}/api/v1/query?query=up`)).json() as { data: { result: Array<{ value: [number, string] }> } };
    t.is(up.data.result[0]?.value[1], '1', 'Prometheus sees the target up');
  } finally {
    prom?.child.kill('SIGTERM');
    if (prom !== undefined) await prom.exited;
    served.child.kill('SIGTERM');
    t.is(await served.exited, 0, served.output());
    rmSync(dir, { recursive: true, force: true });
  }
});

function spawnProcess(command: string, args: string[]): ReturnType<typeof start> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('tcpcmd serve: --metrics-address without --metrics-port is a usage error', async (t) => {
  const run = start(['serve', '--handler', lineHandler.pathname, '--metrics-address', '127.0.0.1']);
  t.is(await run.exited, 2, run.output());
  t.regex(run.output(), /--metrics-address goes with --metrics-port/);
});
