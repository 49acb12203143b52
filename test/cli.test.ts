// tcpcmd run, serve, connect and ping, each as a child process, with bad usage too.
import test from 'ava';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startPythonPeer } from './helpers/peers.js';
import { testWithPing } from './helpers/ping.js';
import { closedPort } from './helpers/ports.js';
import { run } from './helpers/run.js';

const tcpcmd = (...args: string[]) => run(process.execPath, ['bin/tcpcmd.mjs', ...args]).done;

test('tcpcmd connect pipes stdin to a Python echo server and the echo to stdout', async (t) => {
  const echo = await startPythonPeer('echo');
  try {
    const child = spawn(process.execPath, ['bin/tcpcmd.mjs', 'connect', '127.0.0.1', String(echo.port)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('line one\nline two é\n');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    t.is(code, 0);
    t.is(out, 'line one\nline two é\n', 'echoed, then the server closed after our half-close');
    t.is(await echo.nextLine(), 'eof 21');
  } finally {
    await echo.stop();
  }
});

test('tcpcmd connect to a closed port fails with the reason', async (t) => {
  const result = await tcpcmd('connect', '127.0.0.1', String(await closedPort()));
  t.is(result.code, 1);
  t.regex(result.stderr, /Connection refused \(-10061\)/);
});

test('tcpcmd run runs a script on the pool and prints its result', async (t) => {
  const echo = await startPythonPeer('echo');
  try {
    const result = await tcpcmd('run', 'examples/clients/echo-once.ts', String(echo.port), 'ping over the pool');
    t.is(result.code, 0, result.stderr);
    t.deepEqual(JSON.parse(result.stdout), { sent: 18, received: 'ping over the pool' });
    const failing = await tcpcmd('run', 'test/fixtures/scripts/throws.ts');
    t.is(failing.code, 1);
    t.regex(failing.stderr, /failed: Error: a script that fails/);
  } finally {
    await echo.stop();
  }
});

test('tcpcmd serve, then a client, then SIGTERM: counts printed, exit 0', async (t) => {
  const child = spawn(process.execPath, ['bin/tcpcmd.mjs', 'serve', '--handler', 'examples/handlers/echo.ts', '--address', '127.0.0.1', '--threads', '2']);
  const lines = createInterface({ input: child.stdout });
  const output: string[] = [];
  const nextLine = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
  const first = await nextLine();
  const match = /^listening on 127\.0\.0\.1:(\d+)$/.exec(first);
  t.truthy(match, first);
  const port = match![1]!;
  const client = await tcpcmd('run', 'examples/clients/echo-once.ts', port, 'served by tcpcmd');
  t.deepEqual(JSON.parse(client.stdout), { sent: 16, received: 'served by tcpcmd' });
  lines.on('line', (line) => output.push(line));
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.once('exit', resolve));
  t.is(code, 0);
  t.deepEqual(output, ['SIGTERM: closing', 'accepted 1, requests 0, completed 1, failed 0, refused 0, abandoned 0']);
});

testWithPing('tcpcmd ping', async (t) => {
  const ok = await tcpcmd('ping', '127.0.0.1', '--count', '2');
  t.is(ok.code, 0);
  t.regex(ok.stdout, /^reply from 127\.0\.0\.1: time=[\d.]+ ms\nreply from/);
  const unknown = await tcpcmd('ping', 'no-such-host.invalid');
  t.is(unknown.code, 1);
  t.regex(unknown.stdout, /Host not found \(-11001\)/);
});

test('bad usage: a message, the usage, exit code 2; --help for each subcommand', async (t) => {
  const bad: string[][] = [
    ['run'],
    ['run', 'no/such/script.ts'],
    ['serve'],
    ['serve', '--handler', 'examples/handlers/echo.ts', '--threads', '0'],
    ['serve', '--handler', 'examples/handlers/echo.ts', '--backlog', 'lots'],
    ['serve', '--handler', 'examples/handlers/echo.ts', '--cert', 'x.pem'],
    ['serve', '--bogus'],
    ['connect', 'onlyhost'],
    ['connect', 'h', '1', '--timeout', '-3'],
    ['ping'],
    ['ping', 'h', '--count', 'many'],
    ['frobnicate'],
  ];
  for (const args of bad) {
    const result = await tcpcmd(...args);
    t.is(result.code, 2, args.join(' '));
    t.regex(result.stderr, /usage/i, args.join(' '));
  }
  for (const sub of ['run', 'serve', 'connect', 'ping', 'certs']) {
    const help = await tcpcmd(sub, '--help');
    t.is(help.code, 0, sub);
    t.regex(help.stdout, new RegExp(`tcpcmd ${sub}`), sub);
  }
});
