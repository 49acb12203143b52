// Text and lines on the direct path (issue 26; docs/direct-path.md, "Text and
// lines"): string sends encoded on the calling thread, Character receives decoded there,
// TCPReceiveUntil finding its line in the socket's shared read-ahead. Each invariant with
// the direct path taken (TCPStats counts direct receives and sends), against real peers
// and real worker threads; the file runs on the engine path too (TCP_COMMANDS_DIRECT=0),
// where the same commands must give the same bytes.
import test from 'ava';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  TCPAccept,
  TCPAvailable,
  TCPBind,
  TCPClose,
  TCPConnect,
  TCPGetMyPort,
  TCPGetRemotePort,
  TCPListen,
  TCPReceive,
  TCPReceiveFull,
  TCPReceiveUntil,
  TCPSend,
  TCPSetOption,
  TCPSocket,
  TCPStartTLS,
  TCPStats,
  WebDevGetSecureError,
  WebDevSetConfig,
} from '../src/index.js';
import { receiveUntilAsync } from '../src/async/calls.js';
import { makeTestPki } from './helpers/certs.js';
import { kernelConnection } from './helpers/kernel-socket.js';
import { waitFor } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';

const direct = process.env.TCP_COMMANDS_DIRECT !== '0';
const pki = makeTestPki();

function counts(): { reads: number; writes: number } {
  const stats = TCPStats();
  if (typeof stats === 'number') throw new Error(`TCPStats gave ${stats}`);
  return { reads: stats.directReads, writes: stats.directWrites };
}

/** A node:net server on this thread; the test's blocking calls run between its awaits. */
async function peerServer(): Promise<{ port: number; peer: () => net.Socket; received: () => Buffer; close: () => void }> {
  let socket: net.Socket | undefined;
  const chunks: Buffer[] = [];
  const server = net.createServer((s) => {
    socket = s;
    s.on('data', (chunk) => chunks.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    peer: () => socket!,
    received: () => Buffer.concat(chunks),
    close: () => {
      socket?.destroy();
      server.close();
    },
  };
}

/** Connects and waits until the peer has the connection and the kernel holds `bytes` of what it wrote. */
async function connected(server: { port: number; peer: () => net.Socket }): Promise<number> {
  const s = TCPConnect('127.0.0.1', server.port);
  await waitFor(() => {
    try {
      return server.peer() !== undefined;
    } catch {
      return false;
    }
  }, 'the peer has the connection');
  return s;
}

/** Waits until `bytes` more have arrived: in the kernel, where direct calls find them (the engine path reads them at once). */
function kernelHolds(s: number, port: number, bytes: number): Promise<void> {
  if (!direct) return waitFor(() => TCPAvailable(s) >= bytes, `the engine holds ${bytes} bytes`);
  return waitFor(() => (kernelConnection(TCPGetMyPort(s), port)?.receiveQueue ?? 0) >= bytes, `the kernel holds ${bytes} bytes`);
}

test.serial('a line read directly leaves the rest first for TCPReceive, TCPAvailable, the engine and TCPReceiveFull', async (t) => {
  const server = await peerServer();
  try {
    const s = await connected(server);
    server.peer().write('one\ntwo\nthree-and-rest');
    await kernelHolds(s, server.port, 22);
    const before = counts();
    const line = new Uint8Array(64);
    t.is(TCPReceiveUntil(s, line, '\n'), 4);
    t.is(Buffer.from(line.subarray(0, 4)).toString(), 'one\n');
    if (direct) t.true(counts().reads > before.reads, 'the line was found on this thread');
    const three = new Uint8Array(3);
    t.is(TCPReceive(s, three), 3, 'TCPReceive takes the read-ahead first');
    t.is(Buffer.from(three).toString(), 'two');
    t.is(TCPAvailable(s), 15, 'the engine took the read-ahead in: it counts those bytes');
    t.is(TCPReceiveUntil(s, line, '\n'), 1, 'the next line, from the engine (it holds the bytes now)');
    t.is(TCPReceiveFull(s, line, 5), 5);
    t.is(Buffer.from(line.subarray(0, 5)).toString(), 'three');
    server.peer().write('X\nY\n');
    const field = { value: '' };
    t.is(TCPReceiveUntil(s, field, '\n'), 11);
    t.is(field.value, '-and-restX\n');
    t.is(TCPReceiveUntil(s, field, '\n'), 2);
    t.is(field.value, 'Y\n');
    t.is(TCPClose(s), 0);
  } finally {
    server.close();
  }
});

test.serial("a line found by one thread, the rest read by another: its bytes first, none lost or doubled", async (t) => {
  const server = await peerServer();
  try {
    const s = await connected(server);
    server.peer().write('first line\nsecond line\nthird');
    await kernelHolds(s, server.port, 28);
    const field = { value: '' };
    t.is(TCPReceiveUntil(s, field, '\n'), 11);
    t.is(field.value, 'first line\n');
    const line = startWorkerFixture('text-line-worker.ts', { socket: s, kind: 'line' });
    t.like(await line.nextMessage(), { result: 12, value: 'second line\n' });
    const bytes = startWorkerFixture('text-line-worker.ts', { socket: s, kind: 'bytes' });
    t.like(await bytes.nextMessage(), { result: 5, value: 'third' });
    await Promise.all([line.exited, bytes.exited]);
    t.is(TCPClose(s), 0);
  } finally {
    server.close();
  }
});

test.serial('a character split across two threads, or between a direct call and the engine, comes out whole', async (t) => {
  const server = await peerServer();
  try {
    const s = await connected(server);
    const euro = Buffer.from('€'); // e2 82 ac
    server.peer().write(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)]));
    await kernelHolds(s, server.port, 4);
    const before = counts();
    const field = { value: '' };
    t.is(TCPReceive(s, field), 2, 'the whole characters: the cut one stays for the next read');
    t.is(field.value, 'ab');
    if (direct) t.true(counts().reads > before.reads, 'decoded on this thread');
    server.peer().write(Buffer.concat([euro.subarray(2), Buffer.from('c')]));
    await kernelHolds(s, server.port, 2);
    const other = startWorkerFixture('text-line-worker.ts', { socket: s, kind: 'text' });
    t.like(await other.nextMessage(), { result: 4, value: '€c' }, "another thread's receive gets the character whole");
    await other.exited;

    // The engine takes the start of a cut character in (TCPAvailable) and hands it out whole.
    server.peer().write(Buffer.concat([Buffer.from('d'), euro.subarray(0, 1)]));
    await kernelHolds(s, server.port, 2);
    t.is(TCPReceive(s, field), 1);
    t.is(field.value, 'd');
    t.is(TCPAvailable(s), 1, 'the engine holds the first byte of the euro sign now');
    server.peer().write(euro.subarray(1));
    t.is(TCPReceive(s, field), 3);
    t.is(field.value, '€');
    t.is(TCPClose(s), 0);
  } finally {
    server.close();
  }
});

test.serial("string sends go out in the socket's encoding from the calling thread", async (t) => {
  const server = await peerServer();
  try {
    const s = await connected(server);
    const before = counts();
    t.is(TCPSend(s, 'é€'), 5);
    t.is(TCPSetOption(s, 'encoding', 'latin1'), 0);
    t.is(TCPSend(s, 'é'), 1);
    t.is(TCPSetOption(s, 'encoding', 'utf-16le'), 0);
    t.is(TCPSend(s, 'é'), 2);
    if (direct) t.true(counts().writes - before.writes >= 3, 'each string went directly');
    await waitFor(() => server.received().length >= 8, 'the peer has every byte');
    t.is(server.received().toString('hex'), 'c3a9e282ac' + 'e9' + 'e900');
    // A line in UTF-16: the delimiter is encoded too, and matches on code units only.
    server.peer().write(Buffer.from('\u0a00x\n', 'utf16le')); // 00 0a: a newline byte inside a character
    await kernelHolds(s, server.port, 6);
    const field = { value: '' };
    t.is(TCPReceiveUntil(s, field, '\n'), 6);
    t.is(field.value, '\u0a00x\n');
    t.is(TCPClose(s), 0);
  } finally {
    server.close();
  }
});

test.serial('receiveUntilAsync finds a line already read ahead without the engine, and waits in it for one not there', async (t) => {
  const server = await peerServer();
  try {
    const s = await connected(server);
    server.peer().write('a\nb\n');
    await kernelHolds(s, server.port, 4);
    const field = { value: '' };
    t.is(TCPReceiveUntil(s, field, '\n'), 2);
    const before = counts();
    t.is(Buffer.from((await receiveUntilAsync(s, '\n')) as Uint8Array).toString(), 'b\n');
    if (direct) t.true(counts().reads > before.reads, 'from the read-ahead');
    const pending = receiveUntilAsync(s, '\n');
    server.peer().write('c');
    setTimeout(() => server.peer().write('d\n'), 50);
    t.is(Buffer.from((await pending) as Uint8Array).toString(), 'cd\n');
    t.is(TCPClose(s), 0);
  } finally {
    server.close();
  }
});

test.serial('STARTTLS: a ClientHello that came with the STARTTLS line, read ahead with it, reaches TLS', async (t) => {
  const listener = TCPSocket();
  t.is(TCPBind(listener, 0), 0);
  t.is(TCPListen(listener), 0);
  const port = TCPGetMyPort(listener);
  const script = fileURLToPath(new URL('./peers/starttls_eager_client.py', import.meta.url));
  const client = spawn('python3', [script, String(port)]);
  let stdout = '';
  let stderr = '';
  client.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  client.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => client.once('exit', resolve));
  try {
    const s = TCPAccept(listener);
    t.true(s > 0);
    await waitFor(() => /sent (\d+)/.test(stdout), 'the client sent its line and its hello');
    const first = Number(/sent (\d+)/.exec(stdout)![1]);
    // (The listener is dual-stack: the kernel lists its connections in /proc/net/tcp6.)
    const inKernel = (): number => (kernelConnection(port, TCPGetRemotePort(s), 6) ?? kernelConnection(port, TCPGetRemotePort(s)))?.receiveQueue ?? 0;
    const queued = (): number => (direct ? inKernel() : TCPAvailable(s));
    await waitFor(() => queued() >= first, 'both are in the kernel');
    const before = counts();
    const line = { value: '' };
    t.is(TCPReceiveUntil(s, line, '\r\n'), 10);
    t.is(line.value, 'STARTTLS\r\n');
    if (direct) t.true(counts().reads > before.reads, 'the line was read directly (the hello with it, into the read-ahead)');
    t.is(TCPSetOption(s, 'cert', pki.file('server.pem')), 0);
    t.is(TCPSetOption(s, 'key', pki.file('server.key')), 0);
    WebDevSetConfig(undefined, 15); // bounds TCPStartTLS, should the hello have been lost
    t.is(TCPStartTLS(s), 0, WebDevGetSecureError());
    t.true(TCPReceiveUntil(s, line, '\r\n') > 0);
    t.is(line.value, 'hello over tls\r\n', 'decrypted');
    TCPSend(s, 'got it\r\n');
    t.is(await exited, 0, stderr);
    t.regex(stdout, /got it/);
    TCPClose(s);
  } finally {
    client.kill();
    TCPClose(listener);
  }
});

test.serial('after a line the engine answered (the reader had parked), the lines behind it are lent to the read-ahead: no round trip each', async (t) => {
  // A peer that sends 100 lines in one write 300 ms after the connection: the first
  // TCPReceiveUntil parks in the engine, which reads them all; the other 99 come from the
  // read-ahead it lends back.
  const script = [
    'import socket, sys, time',
    'server = socket.create_server(("127.0.0.1", 0))',
    'print(server.getsockname()[1], flush=True)',
    'conn, _ = server.accept()',
    'time.sleep(0.3)',
    'conn.sendall(b"".join(b"line %03d\\n" % i for i in range(100)))',
    'sys.stdin.read()',
  ].join('\n');
  const peer = spawn('python3', ['-c', script]);
  try {
    const port = await new Promise<number>((resolve) => peer.stdout.once('data', (d: Buffer) => resolve(Number(d.toString()))));
    const s = TCPConnect('127.0.0.1', port);
    t.true(s > 0);
    const line = new Uint8Array(32);
    t.is(TCPReceiveUntil(s, line, '\n'), 9);
    const before = counts();
    for (let i = 1; i < 100; i++) {
      t.is(TCPReceiveUntil(s, line, '\n'), 9);
      t.is(Buffer.from(line.subarray(0, 9)).toString(), `line ${String(i).padStart(3, '0')}\n`);
    }
    if (direct) t.is(counts().reads - before.reads, 99, 'every following line from the read-ahead');
    t.is(TCPClose(s), 0);
  } finally {
    peer.kill();
  }
});
