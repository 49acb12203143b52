// The option table: each option read back, and the ones with visible effects shown.
import test from 'ava';
import { createHash } from 'node:crypto';
import {
  ErrorCode,
  TCPAvailable,
  TCPBind,
  TCPClose,
  TCPConnect,
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetRemotePort,
  TCPListen,
  TCPAccept,
  TCPReceive,
  TCPSend,
  TCPSetOption,
  TCPSocket,
  WebDevSetConfig,
} from '../src/index.js';
import { median } from './helpers/median.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveExactly } from './helpers/receive.js';
import { waitFor } from './helpers/wait-for.js';
import { KEEPALIVE_TIMER, kernelTimer } from './helpers/kernel-socket.js';

/** Median time of a request sent in two small writes, answered once both have come. */
function twoPartRequests(socket: number): number {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    TCPSend(socket, 'a');
    TCPSend(socket, 'b');
    receiveExactly(socket, 2);
    times.push(performance.now() - started);
  }
  return median(times);
}

test.serial('nodelay: on by default; off, Nagle holds the second small write back', async (t) => {
  const peer = await startPythonPeer('pairs');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPGetOption(s, 'nodelay'), 1);
    const withNoDelay = twoPartRequests(s);
    t.is(TCPSetOption(s, 'nodelay', 0), 0);
    t.is(TCPGetOption(s, 'nodelay'), 0);
    const withNagle = twoPartRequests(s);
    t.log(`two-part request: ${withNoDelay.toFixed(2)} ms with nodelay, ${withNagle.toFixed(2)} ms without`);
    t.true(withNoDelay < 10, `nodelay: ${withNoDelay} ms`);
    t.true(withNagle > withNoDelay * 3 && withNagle > 10, `Nagle's stall: ${withNagle} ms`);
    TCPClose(s);
  } finally {
    await peer.stop();
  }
});

test('keepalive reaches the kernel: /proc/net/tcp shows the keep-alive timer at keepalivedelay', (t) => {
  const listener = TCPSocket();
  TCPSetOption(listener, 'address', '127.0.0.1');
  TCPSetOption(listener, 'keepalive', 1);
  TCPSetOption(listener, 'keepalivedelay', 20_000);
  TCPBind(listener, 0);
  TCPListen(listener);
  // The kernel counts the keep-alive timer from the connection's last activity (here its
  // handshake), in whole seconds: it reads the delay less the time since then, which is
  // seconds on a loaded machine. So each reading is checked against a window that ends
  // at the delay and starts that long (plus a second of rounding) before it.
  const lastActivity = Date.now();
  const client = TCPConnect('127.0.0.1', TCPGetMyPort(listener));
  const accepted = TCPAccept(listener);
  const timerOf = (s: number) => kernelTimer(TCPGetMyPort(s) as number, TCPGetRemotePort(s) as number);
  const expectProbeWithin = (s: number, delaySeconds: number, what: string): void => {
    const timer = timerOf(s);
    const since = (Date.now() - lastActivity) / 1000;
    t.is(timer?.kind, KEEPALIVE_TIMER, what);
    const inSeconds = timer?.inSeconds ?? -1;
    t.true(inSeconds >= Math.max(0, delaySeconds - since - 1) && inSeconds <= delaySeconds, `${what}: first probe in ${inSeconds} s, ${since} s after the handshake`);
  };
  try {
    t.is(timerOf(client)?.kind, 0, 'an idle connection without keep-alive has no timer');

    t.is(TCPSetOption(client, 'keepalive', 1), 0);
    t.is(TCPSetOption(client, 'keepalivedelay', 30_000), 0);
    expectProbeWithin(client, 30, 'keep-alive on, 30 s');

    t.is(TCPSetOption(client, 'keepalivedelay', 5_000), 0, 'a new delay while keep-alive is on');
    expectProbeWithin(client, 5, 'a new delay of 5 s');

    expectProbeWithin(accepted, 20, 'the accepted socket has the listener\'s keep-alive');

    // The kernel's limits, which it would enforce silently: whole seconds up to 32767.
    t.is(TCPSetOption(client, 'keepalivedelay', 32_767_000), 0);
    expectProbeWithin(client, 32_767, 'the longest delay the kernel takes');
    t.is(TCPSetOption(client, 'keepalivedelay', 32_768_000), ErrorCode.InvalidArgument, 'the kernel would refuse it');
    t.is(TCPSetOption(client, 'keepalivedelay', 999), ErrorCode.InvalidArgument, 'node would pass 0 s: the system default');
    t.is(TCPGetOption(client, 'keepalivedelay'), 32_767_000, 'refused values change nothing');

    t.is(TCPSetOption(client, 'keepalive', 0), 0);
    t.is(timerOf(client)?.kind, 0, 'keep-alive off: the timer is gone');
  } finally {
    TCPClose(client);
    TCPClose(accepted);
    TCPClose(listener);
  }
});

test('keepalive, keepalivedelay, timeout, sndbuf, rcvbuf read back; family of a connection', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPGetOption(s, 'keepalive'), 0);
    t.is(TCPSetOption(s, 'keepalive', true), 0, 'booleans are accepted for 0/1 options');
    t.is(TCPSetOption(s, 'keepalivedelay', 30_000), 0);
    t.is(TCPGetOption(s, 'keepalive'), 1);
    t.is(TCPGetOption(s, 'keepalivedelay'), 30_000);
    t.is(TCPGetOption(s, 'timeout'), 'infinite');
    t.is(TCPGetOption(s, 'sndbuf'), 1024 * 1024);
    t.is(TCPGetOption(s, 'rcvbuf'), 2 * 1024 * 1024);
    t.is(TCPGetOption(s, 'family'), 4);
    t.is(TCPSetOption(s, 'sndbuf', 100), ErrorCode.InvalidArgument, 'below 4096');
    t.is(TCPSetOption(s, 'timeout', -5), ErrorCode.InvalidArgument);
    t.is(TCPSetOption(s, 'timeout', 'forever'), ErrorCode.InvalidArgument);
    t.is(TCPSetOption(s, 'timeout', {} as unknown as number), ErrorCode.WrongType);
    t.is(TCPSetOption(s, 'timeout', true), ErrorCode.WrongType, 'true is a switch, not 1 ms');
    t.is(TCPSetOption(s, 'connecttimeout', 100), ErrorCode.InvalidArgument, 'socket 0 only');
    t.is(TCPSetOption(s, 'reuseaddr', 1), ErrorCode.InvalidArgument, 'listeners only');
    t.is(TCPSetOption(s, 'queued', 1), ErrorCode.InvalidArgument, 'read-only');
    t.is(TCPSetOption(s, 'no-such', 1), ErrorCode.UnknownOption);
    TCPClose(s);
  } finally {
    await peer.stop();
  }
});

test('rcvbuf bounds what the engine holds unread', async (t) => {
  const source = await startPythonPeer('source');
  try {
    const small = TCPConnect('127.0.0.1', source.port);
    t.is(TCPSetOption(small, 'rcvbuf', 4096), 0);
    TCPSend(small, `${8 * 1024 * 1024}\n`);
    const big = TCPConnect('127.0.0.1', source.port);
    TCPSend(big, `${8 * 1024 * 1024}\n`);
    // Both had the same time: by when the default has taken 1 MiB, rcvbuf 4096 must have held back.
    await waitFor(() => (TCPAvailable(big) as number) >= 1024 * 1024, 'the default buffer holds 1 MiB');
    const held = TCPAvailable(small);
    const heldByDefault = TCPAvailable(big);
    t.log(`unread bytes held: ${held} with rcvbuf 4096, ${heldByDefault} by default`);
    t.true(held < 256 * 1024, `rcvbuf 4096 holds ${held}`);
    t.true(heldByDefault >= 1024 * 1024, `the default holds ${heldByDefault}`);
    TCPClose(small, 2);
    TCPClose(big, 2);
  } finally {
    await source.stop();
  }
});

test('rcvbuf is the most TCPAvailable ever holds (at least one 64 KiB read), and no byte is lost', async (t) => {
  const source = await startPythonPeer('source');
  try {
    for (const rcvbuf of [64 * 1024, 256 * 1024]) {
      const s = TCPConnect('127.0.0.1', source.port);
      t.is(TCPSetOption(s, 'rcvbuf', rcvbuf), 0);
      const total = 4 * 1024 * 1024;
      TCPSend(s, `${total}\n`);
      // The peer has sent far more than rcvbuf: let the engine read all it will.
      let held = 0;
      for (let i = 0, same = 0; i < 200 && (held === 0 || same < 5); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = TCPAvailable(s);
        same = now === held ? same + 1 : 0;
        held = now;
      }
      t.log(`rcvbuf ${rcvbuf}: ${held} bytes held unread`);
      t.true(held > 0 && held <= rcvbuf, `rcvbuf ${rcvbuf} holds ${held}`);
      // Read it all: every byte arrives, and the digest the peer sent matches.
      const hash = createHash('sha256');
      const buffer = new Uint8Array(64 * 1024);
      let got = 0;
      while (got < total) {
        const n = TCPReceive(s, buffer, Math.min(buffer.length, total - got));
        if (n <= 0) break;
        hash.update(buffer.subarray(0, n));
        got += n;
        t.true(TCPAvailable(s) <= rcvbuf);
      }
      t.is(got, total);
      const digest = new Uint8Array(32);
      let d = 0;
      while (d < 32) {
        const n = TCPReceive(s, digest.subarray(d));
        if (n <= 0) break;
        d += n;
      }
      t.is(Buffer.from(digest).toString('hex'), hash.digest('hex'));
      TCPClose(s);
    }
  } finally {
    await source.stop();
  }
});

test('listener options: family 6 listens on IPv6 only, family 4 on IPv4 only; reuseaddr', (t) => {
  const six = TCPSocket();
  t.is(TCPSetOption(six, 'family', 6), 0);
  t.is(TCPSetOption(six, 'family', 5), ErrorCode.InvalidArgument);
  t.is(TCPGetOption(six, 'reuseaddr'), 1);
  t.is(TCPSetOption(six, 'reuseaddr', 0), ErrorCode.NotSupported);
  t.is(TCPSetOption(six, 'reuseaddr', 1), 0);
  t.is(TCPBind(six, 0), 0);
  t.is(TCPListen(six), 0);
  t.is(TCPGetMyAddr(six), '::');
  const port6 = TCPGetMyPort(six);
  t.is(TCPConnect('127.0.0.1', port6), ErrorCode.ConnectionRefused, 'no IPv4 on an IPv6-only listener');
  const ok6 = TCPConnect('::1', port6);
  t.true(ok6 > 0);

  const four = TCPSocket();
  t.is(TCPSetOption(four, 'family', 4), 0);
  t.is(TCPBind(four, 0), 0);
  t.is(TCPGetMyAddr(four), '0.0.0.0');
  t.is(TCPConnect('::1', TCPGetMyPort(four)), ErrorCode.ConnectionRefused);
  t.is(TCPSetOption(four, 'family', 6), ErrorCode.InvalidArgument, 'too late after TCPBind');
  [ok6, six, four].forEach((n) => TCPClose(n));
});

test.serial('socket 0: this thread’s defaults for new connections, and its connecttimeout', async (t) => {
  const echo = await startPythonPeer('echo');
  const stall = await startPythonPeer('stall');
  const filled: number[] = [];
  try {
    t.is(TCPGetOption(0, 'nodelay'), 1);
    t.is(TCPGetOption(0, 'timeout'), 'infinite');
    t.is(TCPSetOption(0, 'keepalive', 1), 0);
    t.is(TCPSetOption(0, 'timeout', 250), 0);
    t.is(TCPSetOption(0, 'address', '127.0.0.1'), ErrorCode.InvalidArgument, 'not a connection default');
    t.is(TCPGetOption(0, 'queued'), ErrorCode.InvalidArgument);
    t.is(TCPSetOption(0, 'family', 5), ErrorCode.InvalidArgument, 'socket 0 checks family against the table too');
    const s = TCPConnect('127.0.0.1', echo.port);
    t.is(TCPGetOption(s, 'keepalive'), 1);
    t.is(TCPGetOption(s, 'timeout'), 250);
    t.is(TCPReceive(s, new Uint8Array(4)), ErrorCode.TimedOut, 'the default time-out applies');
    TCPClose(s);

    // connecttimeout overrides a long comms time-out.
    WebDevSetConfig(undefined, 30);
    t.is(TCPSetOption(0, 'connecttimeout', 400), 0);
    let result = 0;
    let elapsed = 0;
    for (let i = 0; i < 8; i++) {
      const started = Date.now();
      result = TCPConnect('127.0.0.1', stall.port);
      elapsed = Date.now() - started;
      if (result < 0) break;
      filled.push(result);
    }
    t.is(result, ErrorCode.TimedOut);
    t.true(elapsed >= 350 && elapsed < 3000, `gave up after ${elapsed} ms`);
    t.is(TCPGetOption(0, 'connecttimeout'), 400);
  } finally {
    for (const name of ['keepalive', 'timeout', 'connecttimeout'] as const) TCPSetOption(0, name, name === 'timeout' ? 'infinite' : 0);
    WebDevSetConfig(undefined, 0);
    filled.forEach((n) => TCPClose(n, 2));
    await echo.stop();
    await stall.stop();
  }
});
