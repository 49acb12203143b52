// The direct path (docs/direct-path.md): calling threads read and write the
// descriptor themselves. Each invariant is exercised with the direct path actually taken
// (TCPStats counts direct reads and writes), against real peers and real worker threads.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCode,
  TCPAccept,
  TCPAvailable,
  TCPBlock,
  TCPClose,
  TCPConnect,
  TCPListen,
  TCPReceive,
  TCPSend,
  TCPSocket,
  TCPBind,
  TCPStats,
  TCPWait,
  TCPGetMyPort,
  TCPFlush,
  TCPSetOption,
} from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveExactly } from './helpers/receive.js';
import { startWorkerFixture } from './helpers/worker.js';
import { CLOSE_WAIT, kernelConnection } from './helpers/kernel-socket.js';
import { waitFor as sharedWaitFor } from './helpers/wait-for.js';

const directOff = process.env.TCP_COMMANDS_DIRECT === '0';

function directCalls(): { reads: number; writes: number } {
  const stats = TCPStats();
  if (typeof stats === 'number') throw new Error(`TCPStats gave ${stats}`);
  return { reads: stats.directReads, writes: stats.directWrites };
}

/** A node:net server on this thread (workers make the blocking calls); `onConnection` plays the peer. */
async function nodeServer(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close: () => void }> {
  const server = net.createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

/** Polls until `condition` holds, failing the test (by throwing) after `timeoutMs`. */
const waitFor = (condition: () => boolean, timeoutMs = 20_000): Promise<void> => sharedWaitFor(condition, 'a condition of this test', timeoutMs);

/** A node:net peer that keeps what it receives and closes when the client has: `stream()` once `ended()`. */
async function collectingPeer(paused = false): Promise<{ port: number; close: () => void; peer: () => net.Socket | undefined; ended: () => boolean; stream: () => Buffer }> {
  const chunks: Buffer[] = [];
  let peer: net.Socket | undefined;
  let ended = false;
  const server = await nodeServer((socket) => {
    peer = socket;
    if (paused) socket.pause();
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      ended = true;
      socket.end();
    });
  });
  return { ...server, peer: () => peer, ended: () => ended, stream: () => Buffer.concat(chunks) };
}

test.serial('a ping-pong takes the direct path: the calling thread reads and writes itself', async (t) => {
  t.true(!directOff, 'run with the direct path on (the engine-path run skips this file)');
  const peer = await startPythonPeer('echo');
  try {
    const before = directCalls();
    const s = TCPConnect('127.0.0.1', peer.port);
    for (let i = 0; i < 200; i++) {
      const text = `ping ${i}`;
      t.is(TCPSend(s, Buffer.from(text)), text.length); // bytes: text goes through the engine (its encoding)
      t.is(Buffer.from(receiveExactly(s, text.length)).toString(), text);
    }
    const after = directCalls();
    t.true(after.writes - before.writes >= 200, 'every send went directly');
    t.true(after.reads - before.reads >= 100, 'most receives went directly');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test.serial('bytes the engine holds come before bytes read directly (TCPAvailable took them in)', async (t) => {
  let peerSocket: net.Socket | undefined;
  const server = await nodeServer((socket) => (peerSocket = socket));
  try {
    const s = TCPConnect('127.0.0.1', server.port);
    await waitFor(() => peerSocket !== undefined);
    peerSocket!.write('first ');
    await waitFor(() => TCPAvailable(s) === 6); // the engine holds these now
    peerSocket!.write('second');
    await waitFor(() => (kernelConnection(TCPGetMyPort(s), server.port)?.receiveQueue ?? 0) >= 6); // in our kernel buffer, behind them
    const before = directCalls();
    t.is(Buffer.from(receiveExactly(s, 12)).toString(), 'first second');
    t.true(directCalls().reads > before.reads, 'the second part was read directly');
    t.is(TCPClose(s, 2), 0);
  } finally {
    peerSocket?.destroy();
    server.close();
  }
});

test.serial('bytes that arrived before TCPAccept come before bytes read directly after it', async (t) => {
  const listener = TCPSocket();
  t.is(TCPBind(listener, 0), 0);
  t.is(TCPListen(listener), 0);
  const port = TCPGetMyPort(listener);
  const client = net.connect({ port, host: '127.0.0.1' });
  await new Promise((resolve) => client.once('connect', resolve));
  client.write(Buffer.alloc(100_000, 1));
  // Read by the engine while queued: nothing left in the client's send queue nor in our receive queue.
  await waitFor(() => client.writableLength === 0 && kernelConnection(client.localPort!, port)?.sendQueue === 0 && (kernelConnection(port, client.localPort!, 6) ?? kernelConnection(port, client.localPort!))?.receiveQueue === 0); // the listener is dual-stack
  const s = TCPAccept(listener);
  client.write(Buffer.alloc(100_000, 2));
  const got = receiveExactly(s, 200_000);
  t.true(got.subarray(0, 100_000).every((b) => b === 1));
  t.true(got.subarray(100_000).every((b) => b === 2));
  client.destroy();
  TCPClose(s, 2);
  TCPClose(listener);
});

test.serial('a send waits behind bytes the engine still holds unsent', async (t) => {
  const chunks: Buffer[] = [];
  let ended = false;
  const server = await nodeServer((socket) => {
    socket.pause(); // a slow start: the first large send's tail waits in the engine
    setTimeout(() => socket.resume(), 300);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      ended = true;
      socket.end();
    });
  });
  const LARGE = 2 << 20;
  const ROUNDS = 40;
  try {
    const s = TCPConnect('127.0.0.1', server.port);
    // Each round: a large send (its tail often left to the engine), then a small one
    // that the kernel would take at once: it must still come after the tail.
    const sender = startWorkerFixture('direct-worker.ts', { job: 'pairs', socket: s, size: LARGE, times: ROUNDS });
    t.deepEqual(await sender.nextMessage(), { results: ROUNDS });
    await sender.exited;
    TCPClose(s, 1);
    await waitFor(() => ended, 60_000);
    const all = Buffer.concat(chunks);
    t.is(all.length, ROUNDS * (LARGE + 100));
    let misplaced = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const at = round * (LARGE + 100);
      const large = all.subarray(at, at + LARGE);
      const small = all.subarray(at + LARGE, at + LARGE + 100);
      if (!large.every((b) => b === 0x61) || !small.every((b) => b === 0x62)) misplaced++;
    }
    t.is(misplaced, 0, 'every small send came after the large one before it');
    t.is(TCPClose(s), 0);
  } finally {
    server.close();
  }
});

test.serial('two sends waiting for room in the engine: the one that takes the socket first keeps it for all its parts', async (t) => {
  // The state the interleave needs, made on purpose: node's buffer full after a one-part
  // send (no send owns the socket), then a 1 MiB send (four parts) and another thread's
  // 1 MiB send both waiting for room. Once room comes, the first one's first part takes the
  // socket; the second must wait for its last part (before: it went right after the first
  // part, between the first send's parts).
  const BLOCK = 1 << 20;
  const server = await collectingPeer(true);
  try {
    const s = TCPConnect('127.0.0.1', server.port);
    t.is(TCPSetOption(s, 'sndbuf', 4096), 0);
    await waitFor(() => server.peer() !== undefined);
    // Blocking one-part sends until one leaves bytes in node (the kernel's buffer full).
    const filler = new Uint8Array(256 * 1024);
    let filled = 0;
    for (let i = 0; i < 400 && TCPFlush(s, 0) !== -522; i++) filled += TCPSend(s, filler);
    t.is(TCPFlush(s, 0), -522, 'node holds bytes: the engine buffer is full');
    const parkedBefore = (TCPStats() as { parked: number }).parked;
    const first = startWorkerFixture('direct-worker.ts', { job: 'send', socket: s, fill: 2, size: BLOCK, times: 1 });
    await waitFor(() => (TCPStats() as { parked: number }).parked > parkedBefore);
    const second = startWorkerFixture('direct-worker.ts', { job: 'send', socket: s, fill: 1, size: BLOCK, times: 1 });
    await waitFor(() => (TCPStats() as { parked: number }).parked > parkedBefore + 1);
    server.peer()!.resume();
    t.deepEqual(await first.nextMessage(), { results: [BLOCK] });
    t.deepEqual(await second.nextMessage(), { results: [BLOCK] });
    TCPClose(s, 1);
    await waitFor(server.ended);
    const stream = server.stream();
    t.is(stream.length, filled + 2 * BLOCK);
    const sends = stream.subarray(filled);
    for (const at of [0, BLOCK]) {
      const value = sends[at]!;
      t.true(sends.subarray(at, at + BLOCK).every((b) => b === value), `the send at ${at} after the filler is one send`);
    }
    TCPClose(s);
  } finally {
    server.close();
  }
});

test.serial('1 MiB sends from two threads at once never interleave', async (t) => {
  const BLOCK = 1 << 20;
  const TIMES = 8;
  const server = await collectingPeer();
  try {
    const s = TCPConnect('127.0.0.1', server.port);
    const before = directCalls();
    const one = startWorkerFixture('direct-worker.ts', { job: 'send', socket: s, fill: 1, size: BLOCK, times: TIMES });
    const two = startWorkerFixture('direct-worker.ts', { job: 'send', socket: s, fill: 2, size: BLOCK, times: TIMES });
    const all = Array<number>(TIMES).fill(BLOCK);
    t.deepEqual(await one.nextMessage(), { results: all });
    t.deepEqual(await two.nextMessage(), { results: all });
    t.true(directCalls().writes > before.writes, 'sends went directly');
    TCPClose(s, 1);
    await waitFor(server.ended);
    const stream = server.stream();
    t.is(stream.length, 2 * TIMES * BLOCK);
    for (let at = 0; at < stream.length; at += BLOCK) {
      const value = stream[at]!;
      const block = stream.subarray(at, at + BLOCK);
      t.true(block.every((b) => b === value), `block at ${at} is one send`);
    }
    TCPClose(s);
  } finally {
    server.close();
  }
});

test.serial('two threads receiving on one socket never get a byte twice or lose one', async (t) => {
  const data = randomBytes(8 << 20);
  const server = await nodeServer((socket) => socket.end(data));
  try {
    const s = TCPConnect('127.0.0.1', server.port);
    const before = directCalls();
    const one = startWorkerFixture('direct-worker.ts', { job: 'receive', socket: s });
    const two = startWorkerFixture('direct-worker.ts', { job: 'receive', socket: s });
    const a = (await one.nextMessage()) as { count: number; sum: number; squares: number };
    const b = (await two.nextMessage()) as { count: number; sum: number; squares: number };
    let sum = 0;
    let squares = 0;
    for (const byte of data) {
      sum += byte;
      squares += byte * byte;
    }
    t.is(a.count + b.count, data.length);
    t.is(a.sum + b.sum, sum);
    t.is(a.squares + b.squares, squares);
    t.true(directCalls().reads > before.reads, 'receives went directly');
    TCPClose(s);
  } finally {
    server.close();
  }
});

test.serial('closing a socket while another thread calls on it directly never touches a reused descriptor', async (t) => {
  const sink = await startPythonPeer('sink');
  const dir = mkdtempSync(join(tmpdir(), 'direct-fd-'));
  const shared = new SharedArrayBuffer(12);
  const words = new Int32Array(shared);
  const churn = startWorkerFixture('direct-worker.ts', { job: 'churn', shared });
  const files: { fd: number; path: string }[] = [];
  try {
    const before = directCalls();
    for (let i = 0; i < 150; i++) {
      const s = TCPConnect('127.0.0.1', sink.port);
      TCPBlock(s, 1);
      const calls = Atomics.load(words, 2);
      Atomics.store(words, 0, s);
      await waitFor(() => Atomics.load(words, 2) >= calls + 3, 60_000);
      TCPClose(s, 2); // an abort closes the descriptor at once
      // The descriptor number just freed is the lowest: a file takes it. A direct write
      // into it after the close would land in this file.
      const path = join(dir, `f${i}`);
      files.push({ fd: openSync(path, 'w'), path });
    }
    Atomics.store(words, 1, 1);
    t.deepEqual(await churn.nextMessage(), { odd: [] });
    t.true(directCalls().writes > before.writes, 'the churning thread wrote directly');
    for (const file of files) t.is(readFileSync(file.path).length, 0, `${file.path} stays empty`);
  } finally {
    Atomics.store(words, 1, 1);
    for (const file of files) closeSync(file.fd);
    rmSync(dir, { recursive: true, force: true });
    await sink.stop();
  }
});

/** A node:net server in its own process (this thread blocks in our commands meanwhile). */
async function childServer(onConnection: string): Promise<{ port: number; close: () => void }> {
  const code = `const net = require('node:net');
    const server = net.createServer({ allowHalfOpen: true }, ${onConnection});
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { port, close: () => child.stdin.end() };
}

test.serial('the end of the stream and a reset seen directly: TCPWait, TCPAvailable, TCPStats agree', async (t) => {
  const server = await childServer(`(socket) => socket.once('data', (chunk) => {
      if (chunk.toString() === 'end') socket.end('hello');
      else { socket.write('bye'); setTimeout(() => socket.resetAndDestroy(), 100); } // the scenario: data, then a reset a moment later
    })`);
  try {
    const stats = (): { bytesIn: number } => TCPStats() as { bytesIn: number };
    const inBefore = stats().bytesIn;
    const ended = TCPConnect('127.0.0.1', server.port);
    TCPSend(ended, 'end');
    // 'hello' and the FIN wait in our kernel.
    await waitFor(() => kernelConnection(TCPGetMyPort(ended), server.port)?.state === CLOSE_WAIT && kernelConnection(TCPGetMyPort(ended), server.port)!.receiveQueue >= 5);
    const readsBefore = directCalls().reads;
    t.is(Buffer.from(receiveExactly(ended, 5)).toString(), 'hello');
    t.true(directCalls().reads > readsBefore);
    const buffer = new Uint8Array(10);
    t.is(TCPReceive(ended, buffer), 0, 'end of stream, seen directly');
    t.is(TCPReceive(ended, buffer), 0, 'and again');
    t.is(TCPWait(ended, 5_000), 0);
    t.is(TCPAvailable(ended), 0);
    t.true(stats().bytesIn - inBefore >= 5, 'directly read bytes are counted');
    t.is(TCPSend(ended, 'still may send after the peer half-closed'), 41);
    TCPClose(ended);

    const reset = TCPConnect('127.0.0.1', server.port);
    TCPSend(reset, 'reset');
    const resetPort = TCPGetMyPort(reset);
    await waitFor(() => kernelConnection(resetPort, server.port) === undefined); // 'bye' and the RST are here: a reset connection leaves /proc's table
    const resetReadsBefore = directCalls().reads;
    t.is(Buffer.from(receiveExactly(reset, 3)).toString(), 'bye');
    t.true(directCalls().reads > resetReadsBefore);
    let code = 0;
    while (code === 0) code = TCPReceive(reset, buffer);
    t.is(code, ErrorCode.ConnectionReset);
    t.is(TCPReceive(reset, buffer), ErrorCode.ConnectionReset, 'the error stays');
    t.is(TCPWait(reset, 5_000), ErrorCode.ConnectionReset);
    t.is(TCPSend(reset, 'x'), ErrorCode.ConnectionReset);
    TCPClose(reset);
  } finally {
    server.close();
  }
});

test.serial('half-close and non-blocking keep their meaning on the direct path', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    TCPBlock(s, 1);
    const buffer = new Uint8Array(16);
    t.is(TCPReceive(s, buffer), ErrorCode.WouldBlock);
    t.is(TCPSend(s, 'abc'), 3);
    let n: number = ErrorCode.WouldBlock;
    await waitFor(() => (n = TCPReceive(s, buffer)) !== ErrorCode.WouldBlock);
    t.is(n, 3);
    TCPBlock(s, 0);
    t.is(TCPClose(s, 1), 0);
    t.is(TCPSend(s, 'after'), ErrorCode.SendAfterShutdown);
    t.is(TCPReceive(s, buffer), 0, 'the echo closed after our FIN');
    TCPClose(s);
  } finally {
    await peer.stop();
  }
});

test.serial('TCP_COMMANDS_DIRECT=0 keeps every command on the engine path', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const script = `
      import { TCPConnect, TCPSend, TCPReceive, TCPStats, TCPClose } from './src/index.js';
      const s = TCPConnect('127.0.0.1', ${peer.port});
      const b = new Uint8Array(4);
      let ok = 0;
      for (let i = 0; i < 50; i++) { TCPSend(s, Buffer.from('ping')); let got = 0; while (got < 4) got += TCPReceive(s, b.subarray(got)); ok++; }
      const stats = TCPStats();
      TCPClose(s);
      console.log(JSON.stringify({ ok, reads: stats.directReads, writes: stats.directWrites }));`;
    const run = (direct: string | undefined): { ok: number; reads: number; writes: number } => {
      const env = { ...process.env };
      if (direct === undefined) delete env.TCP_COMMANDS_DIRECT;
      else env.TCP_COMMANDS_DIRECT = direct;
      const child = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
      return JSON.parse(child.stdout.trim()) as { ok: number; reads: number; writes: number };
    };
    const off = run('0');
    t.is(off.ok, 50);
    t.is(off.reads, 0);
    t.is(off.writes, 0);
    const on = run(undefined);
    t.is(on.ok, 50);
    t.true(on.writes >= 50);
  } finally {
    await peer.stop();
  }
});
