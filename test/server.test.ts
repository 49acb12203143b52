// The server path (TCPSocket, TCPBind, TCPListen, TCPAccept), hand-off across threads,
// name look-ups and ping, against Python client processes and our own threads.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { servicePort } from '../src/commands/services.js';
import {
  ErrorCode,
  TCPAccept,
  TCPAddr2Name,
  TCPBind,
  TCPBlock,
  TCPClose,
  TCPConnect,
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
  TCPListen,
  TCPName2Addr,
  TCPPing,
  TCPReceive,
  TCPSend,
  TCPSetOption,
  TCPSocket,
} from '../src/index.js';
import { run, runFixture } from './helpers/run.js';
import { startPythonPeer } from './helpers/peers.js';
import { testWithPing } from './helpers/ping.js';
import { receiveExactly } from './helpers/receive.js';
import { parkedInEngine, waitFor } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';
const clientsScript = new URL('./peers/clients.py', import.meta.url).pathname;

/** A loopback listener on an OS-chosen port: [socket, port]. */
function listenOnLoopback(address = '127.0.0.1'): [number, number] {
  const s = TCPSocket();
  if (s < 0) throw new Error(`TCPSocket gave ${s}`);
  TCPSetOption(s, 'address', address);
  const bound = TCPBind(s, 0);
  if (bound !== 0) throw new Error(`TCPBind gave ${bound}`);
  if (TCPListen(s) !== 0) throw new Error('TCPListen failed');
  return [s, TCPGetMyPort(s)];
}

/** Serves `count` length-prefixed echo requests, one connection after the other. */
function serveEchoes(listener: number, count: number): number[] {
  const accepted: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = TCPAccept(listener);
    if (c < 0) throw new Error(`TCPAccept gave ${c}`);
    accepted.push(c);
    const size = Buffer.from(receiveExactly(c, 4)).readUInt32BE(0);
    const payload = receiveExactly(c, size);
    if (TCPSend(c, payload) !== size) throw new Error('short send');
    TCPClose(c);
  }
  return accepted;
}

test('one Python client, then 200 at once, each echoed with a checksum', async (t) => {
  const [listener, port] = listenOnLoopback();
  t.true(port > 0);
  t.is(TCPGetMyAddr(listener), '127.0.0.1');

  const one = run('python3', [clientsScript, String(port), '1', '100000']);
  const first = serveEchoes(listener, 1);
  t.is((await one.done).stdout.trim(), 'ok 1 failed 0');

  const many = run('python3', [clientsScript, String(port), '200', '16384']);
  const numbers = serveEchoes(listener, 200);
  const result = await many.done;
  t.is(result.stdout.trim(), 'ok 200 failed 0', result.stderr);
  t.is(new Set([...first, ...numbers]).size, 201, 'every accepted socket has its own number');
  t.is(TCPClose(listener), 0);
});

test('accept on a worker thread while the main thread goes on sending', async (t) => {
  const echo = await startPythonPeer('echo');
  try {
    const [listener, port] = listenOnLoopback();
    const { nextMessage: next, exited } = startWorkerFixture('accept-worker.ts', { listener });
    t.is(await next(), 'accepting');
    // The worker is blocked in TCPAccept; the main thread keeps working meanwhile.
    const busy = TCPConnect('127.0.0.1', echo.port);
    for (let i = 0; i < 20; i++) {
      t.is(TCPSend(busy, 'meanwhile'), 9);
      receiveExactly(busy, 9);
    }
    const client = TCPConnect('127.0.0.1', port);
    t.is(TCPSend(client, 'hand me off'), 11);
    t.is(Buffer.from(receiveExactly(client, 11)).toString(), 'HAND ME OFF');
    const outcome = (await next()) as { socket: number; n: number; sent: number; peer: string; close: number };
    t.true(outcome.socket > 0);
    t.deepEqual({ ...outcome, socket: 0 }, { socket: 0, n: 11, sent: 11, peer: '127.0.0.1', close: 0 });
    t.is(TCPReceive(client, new Uint8Array(4)), 0, 'the worker closed it');
    TCPClose(client);
    TCPClose(busy);
    TCPClose(listener);
    t.is(await exited, 0);
  } finally {
    await echo.stop();
  }
});

test('a socket accepted on the main thread is used by a worker thread', async (t) => {
  const [listener, port] = listenOnLoopback();
  const python = run('python3', [clientsScript, String(port), '1', '5000']);
  const accepted = TCPAccept(listener);
  t.true(accepted > 0);
  // Hand the number to a worker: it serves the length-prefixed echo.
  const handler = startWorkerFixture('echo-handler-worker.ts', { socket: accepted });
  t.is(await handler.nextMessage(), 5000);
  t.is((await python.done).stdout.trim(), 'ok 1 failed 0');
  TCPClose(listener);
});

test('IPv6: listen and connect on ::1, addresses in the family of the socket', async (t) => {
  const [listener, port] = listenOnLoopback('::1');
  t.is(TCPGetMyAddr(listener), '::1');
  t.is(TCPGetOption(listener, 'address'), '::1');
  const python = run('python3', [clientsScript, String(port), '1', '3000', '--host', '::1']);
  const c = TCPAccept(listener);
  t.is(TCPGetRemoteAddr(c), '::1');
  t.is(TCPGetMyAddr(c), '::1');
  const size = Buffer.from(receiveExactly(c, 4)).readUInt32BE(0);
  t.is(TCPSend(c, receiveExactly(c, size)), 3000);
  TCPClose(c);
  t.is((await python.done).stdout.trim(), 'ok 1 failed 0');
  // And our own client to our own listener over ::1.
  const mine = TCPConnect('::1', port);
  const served = TCPAccept(listener);
  t.is(TCPGetRemotePort(served), TCPGetMyPort(mine));
  TCPSend(mine, 'v6');
  t.is(Buffer.from(receiveExactly(served, 2)).toString(), 'v6');
  TCPClose(mine);
  TCPClose(served);
  TCPClose(listener);
});

test('a dual-stack listener reports IPv4 clients as plain IPv4', (t) => {
  const s = TCPSocket(); // no address option: all interfaces, dual-stack ::
  t.is(TCPBind(s, 0), 0);
  t.is(TCPListen(s), 0);
  t.is(TCPGetMyAddr(s), '::');
  const c = TCPConnect('127.0.0.1', TCPGetMyPort(s));
  const a = TCPAccept(s);
  t.is(TCPGetRemoteAddr(a), '127.0.0.1');
  t.is(TCPGetMyAddr(a), '127.0.0.1');
  t.is(TCPGetMyAddr(a, true), '::ffff:127.0.0.1');
  [c, a, s].forEach((n) => TCPClose(n));
});

test('port 0 is read back; a service name is looked up, not hard-coded', async (t) => {
  const [listener, port] = listenOnLoopback();
  t.true(port >= 1024 && port <= 65535);
  TCPClose(listener);
  // Our lookup agrees with the C library's getservbyname.
  const python = spawnSync('python3', ['-c', 'import socket; print(socket.getservbyname("echo", "tcp"))'], { encoding: 'utf8' });
  t.is(servicePort('echo'), Number(python.stdout));
  t.is(TCPConnect('127.0.0.1', 'echo'), ErrorCode.ConnectionRefused, "'echo' became a port (nobody listens there)");
  // A services file of our own: the name resolves to whatever the file says.
  const [probe, freePort] = listenOnLoopback();
  TCPClose(probe);
  const dir = mkdtempSync(join(tmpdir(), 'tcp-services-'));
  writeFileSync(join(dir, 'services'), `# test services\ntcpcmd-test\t${freePort}/tcp\tcmdtest # alias\nudponly\t9/udp\n`);
  const env = { ...process.env, TCP_COMMANDS_SERVICES: join(dir, 'services') };
  t.is((await runFixture('bind-service.ts', ['tcpcmd-test'], env).done).stdout.trim(), String(freePort));
  t.is((await runFixture('bind-service.ts', ['cmdtest'], env).done).stdout.trim(), String(freePort), 'aliases too');
  t.is((await runFixture('bind-service.ts', ['udponly'], env).done).stdout.trim(), String(ErrorCode.UnknownService));
});

test('server errors: in use, listen before bind, accept when not listening, missing address', (t) => {
  const [listener, port] = listenOnLoopback();
  const again = TCPSocket();
  TCPSetOption(again, 'address', '127.0.0.1');
  t.is(TCPBind(again, port), ErrorCode.AddressInUse);
  t.is(TCPListen(again), ErrorCode.InvalidArgument, 'listen before bind');
  t.is(TCPAccept(again), ErrorCode.InvalidArgument, 'accept on an unbound socket');
  TCPSetOption(again, 'address', '203.0.113.7'); // TEST-NET-3: not this machine's
  t.is(TCPBind(again, 0), ErrorCode.AddressNotAvailable);
  TCPSetOption(again, 'address', '127.0.0.1');
  t.is(TCPBind(again, 0), 0, 'the socket is still usable after failed binds');
  t.is(TCPAccept(again), ErrorCode.InvalidArgument, 'bound but not listening');
  t.is(TCPBind(again, 0), ErrorCode.InvalidArgument, 'already bound');
  t.is(TCPSetOption(again, 'backlog', 5), ErrorCode.InvalidArgument, 'too late: set before TCPBind');

  // A listener is not a connection.
  t.is(TCPSend(listener, 'x'), ErrorCode.NotConnected);
  t.is(TCPReceive(listener, new Uint8Array(4)), ErrorCode.NotConnected);
  t.is(TCPGetRemoteAddr(listener), ErrorCode.NotConnected);
  t.is(TCPGetRemotePort(listener), ErrorCode.NotConnected);
  t.is(TCPClose(listener, 1), ErrorCode.NotConnected, 'half-close needs a connection');
  // A connection is not a listener.
  const c = TCPConnect('127.0.0.1', port);
  t.is(TCPAccept(c), ErrorCode.InvalidArgument);
  t.is(TCPListen(c), ErrorCode.InvalidArgument);
  t.is(TCPBind(c, 0), ErrorCode.InvalidArgument);
  // An unbound socket has no address yet.
  const fresh = TCPSocket();
  t.is(TCPGetMyPort(fresh), ErrorCode.InvalidArgument);
  t.is(TCPSend(fresh, 'x'), ErrorCode.NotConnected);
  t.is(TCPAccept(123456789), ErrorCode.InvalidSocket);
  [c, fresh, again, listener].forEach((n) => t.is(TCPClose(n), 0));
  t.is(TCPAccept(listener), ErrorCode.InvalidSocket, 'closed');
});

test('non-blocking accept: -10035 when none is queued; accepted sockets inherit the mode', (t) => {
  const [listener, port] = listenOnLoopback();
  t.is(TCPBlock(listener, 1), 0);
  t.is(TCPAccept(listener), ErrorCode.WouldBlock);
  const c = TCPConnect('127.0.0.1', port);
  let a = ErrorCode.WouldBlock as number;
  const deadline = Date.now() + 5000;
  while (a === ErrorCode.WouldBlock && Date.now() < deadline) a = TCPAccept(listener);
  t.true(a > 0);
  t.is(TCPReceive(a, new Uint8Array(8)), ErrorCode.WouldBlock, 'non-blocking like its listener');
  t.is(TCPBlock(listener, 0), 0);
  const c2 = TCPConnect('127.0.0.1', port);
  const a2 = TCPAccept(listener);
  TCPSend(c2, 'hi');
  t.is(TCPReceive(a2, new Uint8Array(8)), 2, 'blocking like its listener: waits for the data');
  [c, a, c2, a2, listener].forEach((n) => TCPClose(n));
});

// Serial: the engine's parked count is then this test's alone.
test.serial('closing a listener wakes a TCPAccept blocked on another thread with -10053', async (t) => {
  const [listener] = listenOnLoopback();
  const { nextMessage } = startWorkerFixture('accept-worker.ts', { listener });
  t.is(await nextMessage(), 'accepting');
  await waitFor(() => parkedInEngine() > 0, 'the accept is parked in the engine');
  const started = Date.now();
  t.is(TCPClose(listener), 0);
  t.deepEqual(await nextMessage(), { socket: ErrorCode.ConnectionAborted });
  t.true(Date.now() - started < 2000);
});

test('options: address and backlog, with their errors', (t) => {
  const s = TCPSocket();
  t.is(TCPGetOption(s, 'address'), '');
  t.is(TCPGetOption(s, 'backlog'), 511);
  t.is(TCPSetOption(s, 'BACKLOG', 7), 0, 'names are case-insensitive');
  t.is(TCPGetOption(s, 'backlog'), 7);
  t.is(TCPSetOption(s, 'backlog', 0), ErrorCode.InvalidArgument);
  t.is(TCPSetOption(s, 'backlog', 70000), ErrorCode.InvalidArgument);
  t.is(TCPSetOption(s, 'backlog', '7' as unknown as number), ErrorCode.WrongType);
  t.is(TCPSetOption(s, 'address', 5 as unknown as string), ErrorCode.WrongType);
  t.is(TCPSetOption(s, 'no-such-option', 1), ErrorCode.UnknownOption);
  t.is(TCPGetOption(s, 'no-such-option'), ErrorCode.UnknownOption);
  t.is(TCPSetOption(s, 'address', '127.0.0.1'), 0);
  t.is(TCPGetOption(s, 'address'), '127.0.0.1');
  t.is(TCPBind(s, 0), 0);
  t.is(TCPGetOption(s, 'backlog'), 7, 'kept by the listener');
  t.is(TCPSetOption(s, 'address', '::1'), ErrorCode.InvalidArgument, 'too late after TCPBind');
  t.is(TCPClose(s), 0);
  t.is(TCPGetOption(s, 'backlog'), ErrorCode.InvalidSocket);
});

test('name look-ups of localhost both ways, and unknown hosts', (t) => {
  t.is(TCPName2Addr('localhost'), '127.0.0.1');
  t.is(TCPAddr2Name('127.0.0.1'), 'localhost');
  t.is(TCPName2Addr('::1', true), '::1');
  t.is(TCPName2Addr('127.0.0.1'), '127.0.0.1');
  t.is(TCPName2Addr('no-such-host.invalid'), ErrorCode.HostNotFound);
  t.is(TCPAddr2Name('203.0.113.9'), ErrorCode.HostNotFound);
  t.is(TCPAddr2Name('not an address'), ErrorCode.InvalidArgument);
  t.is(TCPName2Addr(''), ErrorCode.NoAddress);
  t.is((TCPName2Addr as (...a: unknown[]) => unknown)(), ErrorCode.WrongCount);
  t.is((TCPAddr2Name as (...a: unknown[]) => unknown)(7), ErrorCode.WrongType);
});

testWithPing('TCPPing: a round trip in ms, -1 on time-out, -11001 unknown host', (t) => {
  const rtt = TCPPing('127.0.0.1');
  t.true(typeof rtt === 'number' && rtt >= 0 && rtt < 1000, `ping gave ${rtt}`);
  t.true(TCPPing('localhost', 100000) >= 0, 'size is clamped to 16384');
  const started = Date.now();
  const silent = silentNeighbour();
  t.is(TCPPing(silent, 56, 300), ErrorCode.NoReply, `${silent} does not answer`);
  t.true(Date.now() - started < 3000);
  t.is(TCPPing('no-such-host.invalid', 56, 1000), ErrorCode.HostNotFound);
  t.is(TCPPing('127.0.0.1', 56, 0), ErrorCode.InvalidArgument);
  t.is(TCPPing('-f'), ErrorCode.HostNotFound, 'a host is never taken for a flag');
});

test('TCPPing: -10045 without a ping program', async (t) => {
  const missing = await runFixture('ping-missing.ts', [], { ...process.env, TCP_COMMANDS_PING: '/nonexistent/ping' }).done;
  t.is(missing.stdout.trim(), String(ErrorCode.NotSupported));
});

/**
 * An address that stays silent: the last host address of this machine's own IPv4 subnet
 * (not its own). Nothing answers there, so ping waits out its time-out; an address
 * beyond the gateway may instead get an ICMP "unreachable" back from some router.
 */
function silentNeighbour(): string {
  const iface = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
  if (iface === undefined) return '203.0.113.5'; // no LAN: TEST-NET-3, which no host has
  const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const toIp = (n: number): string => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
  const mask = toInt(iface.netmask);
  const broadcast = (toInt(iface.address) | (~mask >>> 0)) >>> 0;
  const last = broadcast - 1 === toInt(iface.address) ? broadcast - 2 : broadcast - 1;
  return toIp(last);
}
