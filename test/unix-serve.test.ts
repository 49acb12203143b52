// serve() and tcpcmd serve on a Unix-domain socket, and real programs on one: curl
// --unix-socket, nginx's proxy_pass to unix:, redis-server's unixsocket driven by the RESP
// example. tcpcmd runs from dist/ (`npm test` builds it first). Each program missing from
// this machine skips its test with a message (.ci/run installs them all).
import test from 'ava';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serve } from '../src/index.js';
import { run } from './helpers/run.js';
import { until } from './helpers/wait-for.js';
import { startPythonUnixEcho, stopPythonUnixEcho } from './helpers/unix-peer.js';

const handler = new URL('../examples/handlers/http-keepalive.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tcp-unix-serve-'));
chmodSync(dir, 0o755); // nginx's workers run as another user: they must reach the socket
let names = 0;
const socketPath = (): string => join(dir, `s${++names}.sock`);
const has = (program: string): boolean => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const nginxBinary = ['/usr/sbin/nginx', 'nginx'].find((candidate) => (candidate.startsWith('/') ? existsSync(candidate) : has(candidate)));

async function curl(...args: string[]): Promise<string> {
  const result = await run('curl', ['-sS', '--max-time', '20', ...args]).done;
  if (result.code !== 0) throw new Error(`curl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A TCP port nobody listens on now (nginx cannot be told to pick one). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

(has('curl') ? test.serial : test.skip)(
  has('curl') ? 'serve() on a socket path: curl --unix-socket gets answers on one connection; mode applied; the file goes at close' : 'serve() on a socket path with curl: skipped, no curl on this machine',
  async (t) => {
    const path = socketPath();
    const server = await serve({ handler, address: path, mode: 0o660, threads: 1 });
    t.is(server.address, path);
    t.is(server.port, 0);
    t.is(statSync(path).mode & 0o777, 0o660);
    const body = await curl('--unix-socket', path, 'http://x/one', 'http://x/two');
    t.is(body, `hello from tcp-commands: GET /one (you are ${path}:0)\nhello from tcp-commands: GET /two (you are ${path}:0)\n`);
    await server.close();
    t.false(existsSync(path), 'serve() close removed the socket file');
  },
);

(has('curl') ? test.serial : test.skip)(
  has('curl') ? 'serve({ processes: 2 }) shares one socket path; a live one refuses a second server; close removes the file' : 'serve({ processes }) on a socket path: skipped, no curl on this machine',
  async (t) => {
    t.timeout(120_000);
    const path = socketPath();
    const server = await serve({ handler, address: path, mode: 0o600, processes: 2, threads: 1 });
    try {
      t.is(server.address, path);
      t.is(statSync(path).mode & 0o777, 0o600);
      const body = await curl('--unix-socket', path, 'http://x/p');
      t.is(body, `hello from tcp-commands: GET /p (you are ${path}:0)\n`);
      await t.throwsAsync(serve({ handler, address: path, threads: 1 }), { message: /Address already in use/ });
    } finally {
      await server.close();
    }
    t.false(existsSync(path), 'the supervisor removed the socket file after its processes drained');
  },
);

(has('curl') ? test.serial : test.skip)(
  has('curl') ? 'tcpcmd serve --address PATH --mode 660 prints the path, serves curl, removes the file on SIGTERM' : 'tcpcmd serve --address PATH: skipped, no curl on this machine',
  async (t) => {
    t.timeout(120_000);
    const path = socketPath();
    const child = spawn(process.execPath, ['bin/tcpcmd.mjs', 'serve', '--handler', handler.pathname, '--address', path, '--mode', '660', '--threads', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`tcpcmd serve exited ${code}: ${stderr}`)));
      });
      t.is(first, `listening on ${path}`);
      t.is(statSync(path).mode & 0o777, 0o660);
      t.is(await curl('--unix-socket', path, 'http://x/cli'), `hello from tcp-commands: GET /cli (you are ${path}:0)\n`);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    t.false(existsSync(path), 'the file went with the server');
    const bad = await run(process.execPath, ['bin/tcpcmd.mjs', 'serve', '--handler', handler.pathname, '--address', path, '--mode', 'rw']).done;
    t.not(bad.code, 0);
    t.regex(bad.stderr, /--mode must be octal/);
  },
);

test.serial('tcpcmd connect PATH: stdin to a Python AF_UNIX echo server and back, no port', async (t) => {
  const path = socketPath();
  const echo = await startPythonUnixEcho(path);
  try {
    const result = await run('bash', ['-c', `printf 'over the path\n' | ${JSON.stringify(process.execPath)} bin/tcpcmd.mjs connect ${path}`]).done;
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout, 'over the path\n');
    const usage = await run(process.execPath, ['bin/tcpcmd.mjs', 'connect', path, '80']).done;
    t.is(usage.code, 2, 'a port with a path is a usage error');
  } finally {
    await stopPythonUnixEcho(echo);
  }
});

(nginxBinary !== undefined && has('curl') ? test.serial : test.skip)(
  nginxBinary !== undefined && has('curl')
    ? 'nginx proxy_pass http://unix:PATH: to serve() on a socket path; curl through nginx gets the answer'
    : 'nginx in front of serve() on a socket path: skipped, no nginx or curl on this machine',
  async (t) => {
    t.timeout(120_000);
    const path = socketPath();
    const server = await serve({ handler, address: path, mode: 0o666, threads: 1 });
    const prefix = mkdtempSync(join(tmpdir(), 'tcp-nginx-'));
    mkdirSync(join(prefix, 'logs'));
    const port = await freePort();
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(prefix, name)};`).join('\n  ');
    writeFileSync(
      join(prefix, 'nginx.conf'),
      `worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  ${temp}
  upstream tcp_commands { server unix:${path}; keepalive 4; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tcp_commands;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location /direct/ { proxy_pass http://unix:${path}:/; }
  }
}
`,
    );
    const nginx: ChildProcess = spawn(
      nginxBinary!,
      ['-e', 'stderr', '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${join(prefix, 'nginx.pid')}; error_log stderr;`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    nginx.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      let up = false;
      const started = await until(() => {
        void accepts(port).then((yes) => (up ||= yes));
        return up || nginx.exitCode !== null;
      }, 30_000);
      t.true(started && up, `nginx did not start: ${stderr}`);
      t.is(await curl(`http://127.0.0.1:${port}/a`), `hello from tcp-commands: GET /a (you are ${path}:0)\n`);
      t.is(await curl(`http://127.0.0.1:${port}/b`), `hello from tcp-commands: GET /b (you are ${path}:0)\n`, 'again, on the kept-alive upstream connection');
      t.is(await curl(`http://127.0.0.1:${port}/direct/c`), `hello from tcp-commands: GET /c (you are ${path}:0)\n`, 'proxy_pass http://unix:PATH:/ as written');
    } finally {
      const exited = nginx.exitCode !== null ? Promise.resolve() : new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
      await server.close();
    }
  },
);

(has('redis-server') ? test.serial : test.skip)(
  has('redis-server') ? "redis-client.ts over redis-server's unixsocket: SET then GET of 1 MiB, the same bytes" : "redis-client.ts over a Unix socket: skipped, no redis-server on this machine",
  async (t) => {
    t.timeout(120_000);
    const path = socketPath();
    const redis = spawn('redis-server', ['--port', '0', '--unixsocket', path, '--unixsocketperm', '600', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('redis-server did not start')), 20_000);
        createInterface({ input: redis.stdout! }).on('line', (line) => {
          if (/ready to accept connections/i.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        });
        redis.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
      });
      const result = await run(process.execPath, ['--import=tsx', 'examples/redis-client.ts', path]).done;
      t.is(result.code, 0, result.stderr);
      t.is(result.stdout, 'SET: OK\nGET: 1048576 bytes, the same\nDEL: 1\nGET: undefined\n');
    } finally {
      redis.kill();
    }
  },
);
