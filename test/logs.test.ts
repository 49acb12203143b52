// serve()'s log: limited at the source for a function of the user's as for stderr, a
// handler's failure logged even when close() follows at once, `log: 'json'` /
// --log-format json lines (read by jq where it is installed), logLevel.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import test from 'ava';
import { serve, type TcpServer } from '../src/index.js';
import { until } from './helpers/wait-for.js';
import { makeTestPki } from './helpers/certs.js';

const throwing = new URL('./fixtures/handlers/request-throws.mjs', import.meta.url);
const commands = new URL('./fixtures/handlers/commands.ts', import.meta.url);
const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;
const jqMissing = spawnSync('jq', ['--version']).error !== undefined;

/** One connection sending `line`; resolves once the server closed or reset it. */
function hit(port: number, line: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('connect', () => socket.write(`${line}\n`));
    socket.on('data', () => {});
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

async function flood(server: TcpServer, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 25) await Promise.all(Array.from({ length: Math.min(25, count - sent) }, () => hit(server.port, 'x')));
}

test('a flood of failing requests reaches a log function as a few lines and a summary, as stderr gets it', async (t) => {
  t.timeout(60_000);
  const lines: string[] = [];
  const server = await serve({ handler: throwing, address: '127.0.0.1', threads: 2, log: (line) => lines.push(line), logLevel: 'error' });
  try {
    const started = Date.now();
    await flood(server, 300);
    t.true(await until(() => server.stats().failed === 300), 'every failure counted');
    t.log(`300 failures in ${Date.now() - started} ms: ${lines.length} lines`);
    t.true(lines.length <= 5, lines.join('\n'));
    t.regex(lines[0]!, /^serve: request handler failed for 127\.0\.0\.1:\d+: Error: this handler fails on purpose\n\s+at request/);
    // The window's end (10 s after its first line) writes one summary of the rest, at the
    // level of what it counts: logLevel 'error' shows it.
    t.true(await until(() => lines.some((line) => / more "handler-failed" lines in the last 10 s$/.test(line)), 20_000), lines.join('\n'));
    t.is(lines.length, 6, lines.join('\n'));
    t.is(lines.at(-1), `serve: ${(300 - 5).toLocaleString('en-US')} more "handler-failed" lines in the last 10 s`);
  } finally {
    await server.close();
  }
});

/** Connects, sends bytes that are no ClientHello, resolves once the server drops it. */
function garbageHello(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('connect', () => socket.write('GET / HTTP/1.0\r\n\r\n'));
    socket.on('data', () => {});
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

test('a garbage-ClientHello flood on a TLS server: a few lines through a log function, not one per client', async (t) => {
  t.timeout(60_000);
  const pki = makeTestPki();
  const lines: string[] = [];
  const errorsOnly: string[] = [];
  const tlsOptions = { handler: commands, address: '127.0.0.1', threads: 2, cert: pki.file('server.pem'), key: pki.file('server.key') };
  const server = await serve({ ...tlsOptions, log: (line) => lines.push(line) });
  // logLevel 'error': handshake failures are warnings, counted but not written.
  const quiet = await serve({ ...tlsOptions, threads: 1, log: (line) => errorsOnly.push(line), logLevel: 'error' });
  try {
    let sent = 0;
    const end = Date.now() + 3000;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        while (Date.now() < end) {
          await garbageHello(i === 0 ? quiet.port : server.port);
          sent++;
        }
      }),
    );
    // Settled: the count has not moved for 300 ms.
    let last = -1;
    let since = Date.now();
    await until(() => {
      const now = server.stats().handshakeFailures;
      if (now !== last) [last, since] = [now, Date.now()];
      return Date.now() - since > 300;
    }, 20_000);
    t.log(`${sent} garbage hellos in 3 s: ${server.stats().handshakeFailures} handshake failures logged as ${lines.length} lines`);
    t.true(server.stats().handshakeFailures > 20);
    t.true(lines.length <= 5, lines.join('\n'));
    t.regex(lines[0] ?? '', /^serve: TLS handshake failed: /);
    t.true(quiet.stats().handshakeFailures > 0);
    t.deepEqual(errorsOnly, []);
  } finally {
    await Promise.all([server.close(), quiet.close()]);
  }
});

test('a handler that throws is logged even when close() follows at once', async (t) => {
  // Before: the loop counted the failure, then posted its line; the line was lost with the
  // loop's port when close() came between (2 runs in 3).
  for (let run = 0; run < 6; run++) {
    const logged: string[] = [];
    // Request handlers and connection handlers, each loop of its own kind.
    const server = await serve({ handler: run % 2 === 0 ? throwing : commands, address: '127.0.0.1', threads: 1, log: (line) => logged.push(line) });
    void hit(server.port, run % 2 === 0 ? 'x' : 'THROW');
    // close() the moment the failure is counted, as a script that checks stats() would.
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        if (server.stats().failed === 1) resolve();
        else setImmediate(poll);
      };
      poll();
    });
    await server.close();
    t.is(logged.length, 1, `run ${run}: ${JSON.stringify(logged)}`);
    t.regex(logged[0] ?? '', /handler failed for 127\.0\.0\.1:\d+: Error: this handler fails on purpose/);
  }
});

test("tcpcmd serve --log-format json: one JSON object per line with the handler's error and stack (jq reads them)", async (t) => {
  const child = spawn(process.execPath, [tcpcmd, 'serve', '--handler', throwing.pathname, '--address', '127.0.0.1', '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    t.true(await until(() => /listening on /.test(stdout) || child.exitCode !== null, 30_000), stdout + stderr);
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    await Promise.all(Array.from({ length: 3 }, () => hit(port, 'x')));
    t.true(await until(() => stderr.split('\n').filter((line) => line !== '').length >= 3, 20_000), stderr);
  } finally {
    child.kill('SIGTERM');
  }
  t.is(await exited, 0);
  const lines = stderr.split('\n').filter((line) => line !== '');
  t.is(lines.length, 3, stderr);
  for (const line of lines) {
    const record = JSON.parse(line) as Record<string, unknown> & { error: { name: string; message: string; stack: string } };
    t.like(record, { level: 'error', event: 'handler-failed', error: { name: 'Error', message: 'this handler fails on purpose' } });
    t.false(Number.isNaN(Date.parse(record.time as string)), 'time is an ISO date');
    t.regex(record.peer as string, /^127\.0\.0\.1:\d+$/);
    t.is(typeof record.socket, 'number');
    t.regex(record.message as string, /^serve: request handler failed for 127\.0\.0\.1:\d+$/);
    t.regex(record.error.stack, /at request \(.*request-throws\.mjs/);
  }
  if (jqMissing) {
    t.log('jq part skipped: jq is not installed');
    return;
  }
  const jq = spawnSync('jq', ['-r', '.event + " " + .level + " " + .error.message'], { input: stderr, encoding: 'utf8' });
  t.is(jq.status, 0, jq.stderr);
  t.deepEqual(jq.stdout.trim().split('\n'), Array(3).fill('handler-failed error this handler fails on purpose'));
});

test('tcpcmd serve: a --log-format other than text or json is a usage error', async (t) => {
  const child = spawn(process.execPath, [tcpcmd, 'serve', '--handler', throwing.pathname, '--log-format', 'xml'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  t.is(await new Promise<number | null>((resolve) => child.once('exit', resolve)), 2);
  t.regex(output, /--log-format must be text or json/);
});
