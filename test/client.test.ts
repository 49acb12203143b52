// The client commands against real peers: a Python server process and hostile node:net
// servers, each started by its test on 127.0.0.1 with port 0.
import test from 'ava';
import { spawn } from 'node:child_process';
import net from 'node:net';
import {
  ErrorCode,
  TCPBlock,
  TCPClose,
  TCPConnect,
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
  TCPReceive,
  TCPSend,
  WebDevSetConfig,
} from '../src/index.js';
import { startHostilePeer, startPythonPeer } from './helpers/peers.js';
import { closedPort } from './helpers/ports.js';
import { receiveExactly, receiveUntilClosed } from './helpers/receive.js';

test('text and binary round trip through a Python echo server', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.true(s >= 1);
    t.is(TCPSend(s, 'héllo wörld €'), Buffer.byteLength('héllo wörld €'));
    const text = { value: '' };
    t.is(TCPReceive(s, text), Buffer.byteLength('héllo wörld €'));
    t.is(text.value, 'héllo wörld €');

    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    t.is(TCPSend(s, binary), 256);
    t.deepEqual(receiveExactly(s, 256), binary);

    const holder = { value: new Uint8Array(0) };
    t.is(TCPSend(s, new Uint16Array([0x0102, 0x0304])), 4);
    let got = 0;
    const collected: number[] = [];
    while (got < 4) {
      const n = TCPReceive(s, holder);
      t.true(n > 0);
      collected.push(...holder.value as Uint8Array);
      got += n;
    }
    t.deepEqual(collected, [...new Uint8Array(new Uint16Array([0x0102, 0x0304]).buffer)]);
    t.is(TCPClose(s), 0);
    t.is(await peer.nextLine(), `eof ${Buffer.byteLength('héllo wörld €') + 256 + 4}`);
  } finally {
    await peer.stop();
  }
});

test('maxbytes bounds a receive; the rest stays queued', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    TCPSend(s, 'abcdefgh');
    const buffer = new Uint8Array(64);
    let first = 0;
    while (first === 0) first = TCPReceive(s, buffer, 3);
    t.true(first >= 1 && first <= 3);
    t.is(Buffer.from(buffer.subarray(0, first)).toString(), 'abc'.slice(0, first));
    const rest = new TextDecoder().decode(receiveExactly(s, 8 - first));
    t.is(rest, 'abcdefgh'.slice(first));
    // A Uint8Array shorter than maxbytes bounds the receive too.
    TCPSend(s, 'xyz');
    const two = new Uint8Array(2);
    t.is(receiveExactlyInto(s, two, 2), 2);
    t.is(Buffer.from(two).toString(), 'xy');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

function receiveExactlyInto(s: number, buffer: Uint8Array, n: number): number {
  let got = 0;
  while (got < n) {
    const r = TCPReceive(s, buffer.subarray(got));
    if (r <= 0) return r;
    got += r;
  }
  return got;
}

test('a peer that closes gracefully gives 0, again and again', async (t) => {
  const peer = await startHostilePeer('half-close');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    const text = { value: '' };
    t.is(receiveUntilClosed(s), 'bye');
    t.is(TCPReceive(s, text), 0);
    t.is(TCPReceive(s, text), 0);
    t.is(text.value, '');
    // The peer only half-closed: we can still send, and it counts what it got.
    t.is(TCPSend(s, 'after your FIN'), 14);
    t.is(TCPClose(s), 0);
    t.is(await peer.nextLine(), 'got 14');
  } finally {
    await peer.stop();
  }
});

test('a peer reset gives -10054 after the data that came before it', async (t) => {
  const peer = await startHostilePeer('reset');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    const buffer = new Uint8Array(64);
    let text = '';
    let result: number;
    while ((result = TCPReceive(s, buffer)) > 0) text += Buffer.from(buffer.subarray(0, result)).toString();
    t.is(text, 'hello');
    t.is(result, ErrorCode.ConnectionReset);
    t.is(TCPReceive(s, buffer), ErrorCode.ConnectionReset, 'the error stays');
    t.is(TCPSend(s, 'x'), ErrorCode.ConnectionReset);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('connection refused gives -10061', async (t) => {
  const port = await closedPort();
  t.is(TCPConnect('127.0.0.1', port), ErrorCode.ConnectionRefused);
});

test('half-close: FIN goes out, receiving goes on, sending is refused', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSend(s, 'one last request'), 16);
    t.is(TCPClose(s, 1), 0);
    t.is(TCPSend(s, 'more'), ErrorCode.SendAfterShutdown);
    // The echo server answers, sees our FIN, closes: we read the answer, then 0.
    t.is(receiveUntilClosed(s), 'one last request');
    t.is(await peer.nextLine(), 'eof 16');
    t.is(TCPClose(s), 0);
    t.is(TCPClose(s), ErrorCode.InvalidSocket, 'released');
  } finally {
    await peer.stop();
  }
});

test('abort resets the connection: the peer sees a reset', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSend(s, 'abc'), 3);
    t.deepEqual(Buffer.from(receiveExactly(s, 3)).toString(), 'abc');
    t.is(TCPClose(s, 2), 0);
    t.is(await peer.nextLine(), 'reset 3');
    t.is(TCPSend(s, 'x'), ErrorCode.InvalidSocket);
  } finally {
    await peer.stop();
  }
});

test('abort right after a half-close closes the socket, and the process still exits', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const child = spawn(process.execPath, ['--import=tsx', 'test/fixtures/half-close-then-abort.ts', String(peer.port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(killer);
    t.is(code, 0, 'the process exited by itself');
    const { aborted, before, after } = JSON.parse(out) as { aborted: number; before: number; after: number };
    t.is(aborted, 20);
    t.true(after <= before + 1, `no descriptor leaked: ${before} before, ${after} after`);
  } finally {
    await peer.stop();
  }
});

test('complete close sends FIN and releases the number at once', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSend(s, 'bytes'), 5);
    t.is(TCPClose(s, 0), 0);
    t.is(await peer.nextLine(), 'eof 5');
    t.is(TCPReceive(s, new Uint8Array(8)), ErrorCode.InvalidSocket);
    t.is(TCPGetMyPort(s), ErrorCode.InvalidSocket);
  } finally {
    await peer.stop();
  }
});

test('non-blocking receive gives -10035 until data is there', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPBlock(s, 1), 0);
    const buffer = new Uint8Array(16);
    t.is(TCPReceive(s, buffer), ErrorCode.WouldBlock);
    t.is(TCPSend(s, 'ping'), 4);
    let result = ErrorCode.WouldBlock as number;
    const deadline = Date.now() + 5000;
    while (result === ErrorCode.WouldBlock && Date.now() < deadline) result = TCPReceive(s, buffer);
    t.is(result, 4);
    t.is(TCPBlock(s, 0), 0);
    t.is(TCPSend(s, 'pong'), 4);
    t.is(TCPReceive(s, buffer), 4, 'blocking again: waits for the echo');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('non-blocking send to a peer that never reads: parts, then -10035', async (t) => {
  const peer = await startHostilePeer('never-read');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPBlock(s, true), 0);
    const chunk = new Uint8Array(100_000); // not a divisor of the engine's buffer room
    let total = 0;
    let partial = false;
    let result = 0;
    for (let i = 0; i < 10_000; i++) {
      result = TCPSend(s, chunk);
      if (result === ErrorCode.WouldBlock) break;
      t.true(result > 0 && result <= chunk.length);
      if (result < chunk.length) partial = true;
      total += result;
    }
    t.is(result, ErrorCode.WouldBlock);
    t.true(total > 0, 'some bytes went before the buffers filled');
    t.true(partial, 'a send that only partly fits reports the part');
    t.is(TCPClose(s, 2), 0);
  } finally {
    await peer.stop();
  }
});

test.serial('connect time-out: a peer whose backlog is full drops SYNs; -522 after the comms time-out', async (t) => {
  const peer = await startPythonPeer('stall');
  const opened: number[] = [];
  try {
    t.is(WebDevSetConfig(undefined, 0.5), 0);
    let result = 0;
    let elapsed = 0;
    for (let i = 0; i < 8; i++) {
      const started = Date.now();
      result = TCPConnect('127.0.0.1', peer.port);
      elapsed = Date.now() - started;
      if (result < 0) break;
      opened.push(result); // fills the backlog
    }
    t.is(result, ErrorCode.TimedOut);
    t.true(elapsed >= 450 && elapsed < 3000, `gave up after ${elapsed} ms`);
  } finally {
    WebDevSetConfig(undefined, 0);
    for (const s of opened) TCPClose(s, 2);
    await peer.stop();
  }
});

test.serial('the error procedure hears every failing command with (message, code, command)', async (t) => {
  const calls: Array<[string, number, string]> = [];
  t.is(WebDevSetConfig((message, code, command) => calls.push([message, code, command])), 0);
  try {
    const port = await closedPort();
    t.is(TCPConnect('127.0.0.1', port), ErrorCode.ConnectionRefused);
    t.is(TCPSend(424242, 'x'), ErrorCode.InvalidSocket);
    t.is(TCPClose(1, 7), ErrorCode.InvalidCloseOption);
    t.deepEqual(calls, [
      ['Connection refused', -10061, 'TCPConnect'],
      ['Invalid socket (unknown, already closed, or the wrong kind for this command)', -509, 'TCPSend'],
      // A refused argument: the code's text, then which parameter and what it takes (issue 29).
      ['Invalid TCPClose option (0 complete, 1 half-close, 2 abort): parameter 2 (option): expected 0, 1 or 2; got the number 7', -517, 'TCPClose'],
    ]);
    t.is(WebDevSetConfig(''), 0);
    TCPSend(424242, 'x');
    t.is(calls.length, 3, "'' clears it");
  } finally {
    WebDevSetConfig();
  }
});

test('local and remote addresses and ports of a connection', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('localhost', String(peer.port));
    t.true(s > 0);
    t.is(TCPGetRemoteAddr(s), '127.0.0.1');
    t.is(TCPGetRemotePort(s), peer.port);
    t.is(TCPGetMyAddr(s), '127.0.0.1');
    t.is(TCPGetMyAddr(s, true), '::ffff:127.0.0.1');
    const myPort = TCPGetMyPort(s);
    t.true(typeof myPort === 'number' && myPort > 0 && myPort !== peer.port);
    const machine = TCPGetMyAddr();
    t.true(typeof machine === 'string' && net.isIPv4(machine as string));
    t.true(net.isIPv6(TCPGetMyAddr(0, true) as string));
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('IPv6 literal, bracketed or not', async (t) => {
  const peer = await startPythonPeer('echo', '--host', '::1');
  try {
    for (const host of ['::1', '[::1]']) {
      const s = TCPConnect(host, peer.port);
      t.true(s > 0, host);
      t.is(TCPGetRemoteAddr(s), '::1');
      t.is(TCPSend(s, 'six'), 3);
      t.is(Buffer.from(receiveExactly(s, 3)).toString(), 'six');
      t.is(TCPClose(s), 0);
    }
  } finally {
    await peer.stop();
  }
});

test('a host that does not resolve gives -11001', (t) => {
  t.is(TCPConnect('no-such-host.invalid', 80), ErrorCode.HostNotFound);
});

test('socket numbers are never reused', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const s = TCPConnect('127.0.0.1', peer.port);
      t.false(seen.has(s));
      seen.add(s);
      t.is(TCPClose(s, i % 2 === 0 ? 0 : 2), 0);
    }
  } finally {
    await peer.stop();
  }
});
