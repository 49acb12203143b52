// Socket numbers are process-wide, and the engine never keeps a process alive.
import test from 'ava';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { ENGINE_HANDLE_KEY, engineHandle, ErrorCode, TCPClose, TCPConnect, TCPSend } from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveExactly } from './helpers/receive.js';
import { runFixture } from './helpers/run.js';
import { parkedInEngine, waitFor } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';

test('the same socket used from the main thread and from a worker thread', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSend(s, 'from main'), 9);
    t.is(Buffer.from(receiveExactly(s, 9)).toString(), 'from main');

    const sharer = startWorkerFixture('share-socket-worker.ts', { socket: s });
    t.deepEqual(await sharer.nextMessage(), { sent: 15, received: 'from the worker' });
    t.is(await sharer.exited, 0);

    // Back on the main thread, the socket is intact.
    t.is(TCPSend(s, 'main again'), 10);
    t.is(Buffer.from(receiveExactly(s, 10)).toString(), 'main again');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('engineHandle() is what a worker needs under its documented key', (t) => {
  const handle = engineHandle();
  t.true(handle[ENGINE_HANDLE_KEY] instanceof SharedArrayBuffer);
  t.is(engineHandle()[ENGINE_HANDLE_KEY], handle[ENGINE_HANDLE_KEY], 'one engine per process');
});

test('a script that leaves sockets open exits by itself, and its sockets close', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const child = spawn(process.execPath, ['--import=tsx', 'test/fixtures/leave-open.ts', String(peer.port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    t.is(code, 0);
    t.true(Number(out.trim()) >= 1, 'it connected');
    t.true(Date.now() - started < 10_000);
    // The OS closed the socket at exit: the echo server saw the end of the stream.
    t.regex(await peer.nextLine(), /^(eof|reset) 9$/);
  } finally {
    await peer.stop();
  }
});

test('a blocked receive on one thread does not stop another thread', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const quiet = TCPConnect('127.0.0.1', peer.port);
    const receiver = startWorkerFixture('blocked-receive-worker.ts', { socket: quiet });
    t.is(await receiver.nextMessage(), 'receiving');
    // The worker is now blocked on `quiet`; this thread goes on using its own socket.
    const busy = TCPConnect('127.0.0.1', peer.port);
    for (let i = 0; i < 50; i++) {
      t.is(TCPSend(busy, 'x'.repeat(10)), 10);
      receiveExactly(busy, 10);
    }
    TCPSend(quiet, 'wake up');
    t.deepEqual(await receiver.nextMessage(), { n: 7, text: 'wake up' });
    t.is(TCPClose(quiet), 0);
    t.is(TCPClose(busy), 0);
    t.is(await receiver.exited, 0);
  } finally {
    await peer.stop();
  }
});


// Serial: the engine's parked count is then this test's alone.
test.serial('closing a socket wakes a receive blocked on it in another thread with -10053', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const quiet = TCPConnect('127.0.0.1', peer.port);
    const receiver = startWorkerFixture('blocked-receive-worker.ts', { socket: quiet });
    t.is(await receiver.nextMessage(), 'receiving');
    await waitFor(() => parkedInEngine() > 0, 'the receive is parked in the engine');
    const started = Date.now();
    t.is(TCPClose(quiet), 0);
    t.deepEqual(await receiver.nextMessage(), { n: ErrorCode.ConnectionAborted, text: '' });
    t.true(Date.now() - started < 2000, 'woken promptly');
    t.is(await receiver.exited, 0);
  } finally {
    await peer.stop();
  }
});

test('bytes a script sent just before it ended still reach the peer', async (t) => {
  // The peer stops reading shortly before the end, for a second: when the script ends,
  // the last of its bytes are still in the engine's buffers, not the kernel's, and must
  // be flushed before the process goes.
  const size = 64 * 1024 * 1024;
  const sink = await startPythonPeer('sink', '--pause-at', `${size - 4 * 1024 * 1024}:1`);
  try {
    const result = await runFixture('send-and-exit.ts', [String(sink.port), String(size)]).done;
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout.trim(), String(size));
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 255);
    t.is(await sink.nextLine(), `sink ${size} ${createHash('sha256').update(data).digest('hex')}`);
  } finally {
    await sink.stop();
  }
});
