// tcpcmd serve --pid-file and SIGUSR2 (issue 29): signals must reach the server's own
// process, which a job started through npm is not; the pid file names it. Live counts on
// SIGUSR2, since Node reserves SIGUSR1 for its inspector.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from './helpers/wait-for.js';

const bin = resolve('bin/tcpcmd.mjs');
const handler = resolve('test/fixtures/handlers/request-echo64.mjs');

test('the pid file holds the server\'s id once it listens; SIGUSR2 prints the counts; SIGTERM stops it and removes the file', async (t) => {
  t.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'tcp-pid-'));
  // Relative: the working directory's, as every path of the command line.
  const child = spawn(process.execPath, [bin, 'serve', '--handler', handler, '--address', '127.0.0.1', '--pid-file', 'run/server.pid'], { cwd: dir });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  try {
    // A folder that does not exist: the server says so and exits 1 rather than run unsignalable.
    t.is(await exited, 1);
    t.regex(stderr, /cannot write the pid file: .*run/);
  } finally {
    child.kill();
  }

  const pidFile = join(dir, 'server.pid');
  writeFileSync(pidFile, '999999\n'); // a stale file from a server that died: replaced
  const server = spawn(process.execPath, [bin, 'serve', '--handler', handler, '--address', '127.0.0.1', '--pid-file', 'server.pid'], { cwd: dir });
  const out: string[] = [];
  createInterface({ input: server.stdout }).on('line', (line) => out.push(line));
  const ended = new Promise<number | null>((done) => server.once('exit', done));
  try {
    await waitFor(() => out.some((line) => line.startsWith('listening on')), 'listening', 60_000);
    t.is(readFileSync(pidFile, 'utf8'), `${server.pid}\n`);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGUSR2');
    await waitFor(() => out.some((line) => line.startsWith('stats: request handler')), 'the counts on SIGUSR2', 30_000);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
    t.is(await ended, 0);
    t.true(out.includes('SIGTERM: closing'), out.join('\n'));
    t.false(existsSync(pidFile));
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help tells how to signal the server\'s own process', async (t) => {
  const help = spawn(process.execPath, [bin, 'serve', '--help']);
  let text = '';
  help.stdout.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise((done) => help.once('exit', done));
  t.regex(text, /--pid-file FILE/);
  t.regex(text, /On SIGUSR2 prints the live counts/);
});
