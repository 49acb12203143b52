// The examples a user copies must keep working: each runs against a real peer.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { copyFileSync } from 'node:fs';
import { makeTestPki } from './helpers/certs.js';
import { startHostilePeer, startHttp11Server, startPythonPeer, startSmtpPeer } from './helpers/peers.js';
import { run } from './helpers/run.js';
import { createServer } from 'node:net';

/** A port nobody listens on now (redis-server takes a port number, not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const tsx = (...args: string[]) => run(process.execPath, ['--import=tsx', ...args]).done;

test('http11-client.ts: headers by TCPReceiveUntil, bodies by Content-Length and by chunks, one connection', async (t) => {
  const server = await startHttp11Server();
  try {
    const result = await tsx('examples/http11-client.ts', `http://127.0.0.1:${server.port}/fixed`, '/chunked', '/fixed', '/missing');
    t.is(result.code, 0, result.stderr);
    t.is(
      result.stdout,
      [
        '/fixed: HTTP/1.1 200 OK',
        '  29 bytes by Content-Length: a fixed bödy of known length',
        '/chunked: HTTP/1.1 200 OK',
        '  29 bytes by 3 chunks: chunked bödy in three pieces',
        '/fixed: HTTP/1.1 200 OK',
        '  29 bytes by Content-Length: a fixed bödy of known length',
        '/missing: HTTP/1.1 404 Not Found',
        '  9 bytes by Content-Length: not found',
        '',
      ].join('\n'),
    );
  } finally {
    await server.stop();
  }
});

test('redis-client.ts: a 1 MiB SET as one gathered send, replies by TCPReceiveUntil, against redis-server', async (t) => {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start')), 20_000);
      createInterface({ input: server.stdout }).on('line', (line) => {
        if (/Ready to accept connections/.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const result = await tsx('examples/redis-client.ts', '127.0.0.1', String(port));
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout, 'SET: OK\nGET: 1048576 bytes, the same\nDEL: 1\nGET: undefined\n');
  } finally {
    server.kill();
  }
});

test('smtp-starttls.ts sends a mail over STARTTLS to a Python SMTP server, verified against our CA', async (t) => {
  const pki = makeTestPki();
  const cacerts = mkdtempSync(join(tmpdir(), 'tcp-cacerts-'));
  copyFileSync(pki.file('ca.pem'), join(cacerts, 'ca.pem'));
  const server = await startSmtpPeer(pki.file('server.pem'), pki.file('server.key'));
  try {
    const result = await run(
      process.execPath,
      ['--import=tsx', 'examples/smtp-starttls.ts', 'localhost', String(server.port), 'a@example.com', 'b@example.com', 'Over TLS'],
      { ...process.env, TCP_COMMANDS_CACERTS: cacerts },
    ).done;
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout, 'mail from a@example.com to b@example.com sent over TLS\n');
    const mail = JSON.parse(await server.nextLine()) as { from: string; to: string[]; tls: string; body: string };
    t.is(mail.from, '<a@example.com>');
    t.deepEqual(mail.to, ['<b@example.com>']);
    t.regex(mail.tls, /^TLSv1\.[23]$/);
    t.regex(mail.body, /Subject: Over TLS\r\n\r\nSent over STARTTLS by tcp-commands\.$/);
  } finally {
    await server.stop();
  }
});

test('http-get.ts fetches a page from a Python http.server', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-www-'));
  writeFileSync(join(dir, 'hello.txt'), 'hello from python http.server\n');
  const server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir]);
  try {
    const first = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once('line', resolve));
    const port = /port (\d+)/.exec(first)![1]!;
    const result = await tsx('examples/http-get.ts', `http://127.0.0.1:${port}/hello.txt`);
    t.is(result.code, 0, result.stderr);
    t.regex(result.stdout, /^HTTP\/1\.0 200 OK\n/);
    t.regex(result.stdout, /30 bytes of body:\nhello from python http\.server\n$/);
  } finally {
    server.kill();
  }
});

test('poll-client.ts gets its answer by polling, and gives up on a silent server', async (t) => {
  const echo = await startPythonPeer('echo');
  const silent = await startHostilePeer('silent');
  try {
    const answered = await tsx('examples/poll-client.ts', '127.0.0.1', String(echo.port), 'polled request');
    t.is(answered.code, 0, answered.stderr);
    t.regex(answered.stdout, /answer after \d+ poll\(s\): polled request/);
    const started = Date.now();
    const ignored = await tsx('examples/poll-client.ts', '127.0.0.1', String(silent.port), 'anyone?', '300');
    t.is(ignored.code, 2);
    t.regex(ignored.stderr, /no answer within 300 ms \(\d+ polls\)/);
    t.true(Date.now() - started < 15_000, 'it gave up (a process start under load takes seconds)');
  } finally {
    await echo.stop();
    await silent.stop();
  }
});

test('legacy-server.ts: accept loop and hand-off to a worker thread', async (t) => {
  const server = spawn(process.execPath, ['--import=tsx', 'examples/legacy-server.ts', '0', '1']);
  // Listened for now: the server may well exit before the client's output is read.
  const exit = new Promise<number | null>((resolve) => server.once('exit', resolve));
  const lines = createInterface({ input: server.stdout });
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  const port = /:(\d+)$/.exec(first)![1]!;
  const client = await run('python3', ['-c', `
import socket
s = socket.create_connection(('127.0.0.1', ${port}), timeout=15)
s.sendall(b'hi there\\nbye\\n')
data = b''
try:
    while True:
        chunk = s.recv(1000)
        if not chunk: break
        data += chunk
except socket.timeout:
    data += b'[timed out]'
print(data.decode(), end='')
`]).done;
  t.is(client.stdout, 'hello; send lines, I echo them; "bye" ends\r\necho: hi there\r\n');
  const exited = await Promise.race([
    exit,
    new Promise((resolve) => setTimeout(() => resolve('still running after 15 s'), 15_000)),
  ]);
  if (exited !== 0) server.kill();
  t.is(exited, 0);
});

test('npm start: the demo serves every client script correctly and exits 0', async (t) => {
  const result = await tsx('examples/demo.ts');
  t.is(result.code, 0, result.stdout + result.stderr);
  t.regex(result.stdout, /total: 624 requests, 624 correct answers, 0 client\(s\) with problems/);
  t.regex(result.stdout, /server: accepted 12, completed 12, failed 0, refused 0, abandoned 0/);
});
