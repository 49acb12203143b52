// Unix-domain stream sockets: a host beginning with '/' (a path) or '@' (a Linux abstract
// name) for TCPConnect and for a listener's 'address', against Python AF_UNIX peers,
// node:net clients in child processes, and ourselves.
import test from 'ava';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectAsync,
  ErrorCode,
  TCPListener,
  TCPAccept,
  TCPBind,
  TCPClose,
  TCPConnect,
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
  TCPListen,
  TCPReceive,
  TCPReceiveUntil,
  TCPSend,
  TCPSetOption,
  TCPSetTrustStore,
  TCPSocket,
  TCPStats,
} from '../src/index.js';
import { makeTestPki } from './helpers/certs.js';
import { receiveExactly } from './helpers/receive.js';
import { run } from './helpers/run.js';
import { until } from './helpers/wait-for.js';
import { startPythonUnixEcho, stopPythonUnixEcho, unixPeerScript } from './helpers/unix-peer.js';

const peer = unixPeerScript;
const dir = mkdtempSync(join(tmpdir(), 'tcp-unix-'));
let names = 0;
/** A fresh socket path in this run's temp folder. */
const socketPath = (): string => join(dir, `s${++names}.sock`);
/** A fresh abstract name, unique to this process. */
const abstractName = (): string => `@tcp-commands-test-${process.pid}-${++names}`;
const nodeMajor = Number(process.versions.node.split('.')[0]);

const startPythonEcho = startPythonUnixEcho;
const stop = stopPythonUnixEcho;

/** A listener of ours on `address` (a path or '@name'), with options set before TCPBind. */
function listenOn(address: string, options: Record<string, number> = {}): number {
  const listener = TCPSocket();
  if (TCPSetOption(listener, 'address', address) !== 0) throw new Error('address refused');
  for (const [name, value] of Object.entries(options)) if (TCPSetOption(listener, name, value) !== 0) throw new Error(`${name} refused`);
  const bound = TCPBind(listener, 0);
  if (bound !== 0) {
    TCPClose(listener);
    throw new Error(`TCPBind gave ${bound}`);
  }
  if (TCPListen(listener) !== 0) throw new Error('TCPListen failed');
  return listener;
}

/** Accepts one connection, reads it to its end, sends it back with a prefix, closes; returns the accepted socket's addresses. */
function acceptAndAnswer(listener: number): { remote: unknown; local: unknown; remotePort: number; localPort: number; received: string } {
  const client = TCPAccept(listener);
  if (client < 0) throw new Error(`TCPAccept gave ${client}`);
  const addresses = { remote: TCPGetRemoteAddr(client), local: TCPGetMyAddr(client), remotePort: TCPGetRemotePort(client), localPort: TCPGetMyPort(client) };
  const chunks: Buffer[] = [];
  const buffer = new Uint8Array(65536);
  for (let n = TCPReceive(client, buffer); n !== 0; n = TCPReceive(client, buffer)) {
    if (n < 0) throw new Error(`TCPReceive gave ${n}`);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  const received = Buffer.concat(chunks).toString();
  TCPSend(client, `got: ${received}`);
  TCPClose(client);
  return { ...addresses, received };
}

/** A node:net client in a child process: sends `text`, half-closes, prints the answer. */
function nodeClient(address: string, text: string): Promise<string> {
  const script = `
    const net = require('node:net');
    const path = ${JSON.stringify(address)}.replace(/^@/, '\\0');
    const socket = net.connect({ path }, () => socket.end(${JSON.stringify(text)}));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('end', () => console.log(answer));
    socket.on('error', (e) => { console.error(e.message); process.exit(1); });`;
  return run(process.execPath, ['-e', script]).done.then((result) => {
    if (result.code !== 0) throw new Error(`node client: ${result.stderr}`);
    return result.stdout.trim();
  });
}

async function pythonClient(address: string, text: string): Promise<string> {
  const result = await run('python3', [peer, 'client', address, text]).done;
  if (result.code !== 0) throw new Error(`python client: ${result.stderr}`);
  return result.stdout.trim();
}

/** Receives a whole echo of `count` bytes. */
function echoOf(socket: number, count: number): string {
  return Buffer.from(receiveExactly(socket, count)).toString();
}

function directCounts(): { reads: number; writes: number } {
  const stats = TCPStats();
  if (typeof stats !== 'object') throw new Error(`TCPStats gave ${stats}`);
  return { reads: stats.directReads, writes: stats.directWrites };
}

test.serial('TCPConnect to a path: bytes, text and lines echo through a Python AF_UNIX server, on the direct path', async (t) => {
  const path = socketPath();
  const python = await startPythonEcho(path);
  try {
    const socket = TCPConnect(path); // no port: a Unix-domain socket has none
    t.true(socket > 0, `TCPConnect gave ${socket}`);
    t.is(TCPGetRemoteAddr(socket), path);
    t.is(TCPGetMyAddr(socket), path, 'the client end is unnamed: it reports the path it reaches');
    t.is(TCPGetRemotePort(socket), 0);
    t.is(TCPGetMyPort(socket), 0);
    t.is(TCPGetOption(socket, 'family'), 0, 'neither IPv4 nor IPv6');
    const before = directCounts();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    t.is(TCPSend(socket, bytes), 5);
    t.deepEqual([...receiveExactly(socket, 5)], [...bytes]);
    t.is(TCPSend(socket, 'héllo\n'), 7);
    t.is(echoOf(socket, 7), 'héllo\n');
    t.is(TCPSend(socket, 'one\ntwo\n'), 8);
    const line = { value: '' };
    t.is(TCPReceiveUntil(socket, line, '\n'), 4);
    t.is(line.value, 'one\n');
    t.is(TCPReceiveUntil(socket, line, '\n'), 4);
    t.is(line.value, 'two\n');
    // Bytes went through the caller's own system calls on the pipe's descriptor.
    for (let i = 0; i < 20; i++) {
      t.is(TCPSend(socket, bytes), 5);
      receiveExactly(socket, 5);
    }
    const after = directCounts();
    t.true(after.writes > before.writes, `direct writes ${before.writes} -> ${after.writes}`);
    t.true(after.reads > before.reads, `direct reads ${before.reads} -> ${after.reads}`);
    t.is(TCPClose(socket), 0);
    // Port 0 or '0' is the same as none.
    const again = TCPConnect(path, 0);
    t.true(again > 0, `TCPConnect(path, 0) gave ${again}`);
    TCPClose(again);
    const awaited = await connectAsync(path); // the awaited form takes a path alike
    t.true(awaited > 0, `connectAsync(path) gave ${awaited}`);
    t.is(TCPGetRemoteAddr(awaited), path);
    TCPClose(awaited);
  } finally {
    await stop(python);
  }
});

test.serial('TCPConnect to a Unix address: its argument checks and failures', (t) => {
  t.is(TCPConnect(join(dir, 'nothing-here.sock')), ErrorCode.ConnectionRefused, 'no file: -10061, as a closed port');
  t.is(TCPConnect(dir), ErrorCode.ConnectionRefused, 'a directory: no socket there either');
  t.is(TCPConnect('/tmp/x.sock', 80), ErrorCode.InvalidArgument, 'a port with a path is a mistake');
  t.is(TCPConnect(`/${'a'.repeat(107)}`), ErrorCode.InvalidArgument, '108 bytes: longer than sun_path holds');
  t.is(TCPConnect(`@${'a'.repeat(108)}`), ErrorCode.InvalidArgument);
  t.is(TCPConnect('@'), ErrorCode.NoAddress);
  t.is(TCPConnect('127.0.0.1'), ErrorCode.WrongCount, 'a TCP host still needs its port');
  t.is((TCPConnect as (...args: unknown[]) => number)('/tmp/x.sock', 0, false, true, 4), ErrorCode.WrongCount);
});

test.serial('a listener on a path: node:net and Python clients accepted; addresses, mode, file removed at close', async (t) => {
  const path = socketPath();
  const listener = listenOn(path, { mode: 0o660 });
  t.is(statSync(path).mode & 0o777, 0o660, 'the mode option reached the file');
  t.true(statSync(path).isSocket());
  t.is(TCPGetOption(listener, 'mode'), 0o660);
  t.is(TCPGetMyAddr(listener), path);
  t.is(TCPGetOption(listener, 'address'), path);
  t.is(TCPGetMyPort(listener), 0);
  const fromNode = nodeClient(path, 'from node');
  const nodeSide = acceptAndAnswer(listener);
  t.is(await fromNode, 'got: from node');
  t.deepEqual(nodeSide, { remote: path, local: path, remotePort: 0, localPort: 0, received: 'from node' });
  const fromPython = pythonClient(path, 'from python');
  acceptAndAnswer(listener);
  t.is(await fromPython, 'got: from python');
  t.is(TCPClose(listener), 0);
  t.false(existsSync(path), 'closing the listener removed its socket file');
});

test.serial('the event API: TCPListener on a path with mode; the client it offers has the path as its address', async (t) => {
  const path = socketPath();
  const offered: Array<{ address: string; port: number }> = [];
  const listener = TCPListener.listen({
    address: path,
    mode: 0o640,
    onConnection: (_listener, client) => {
      offered.push({ address: client.address, port: client.port });
      return { onData: (connection, data) => connection.send(Buffer.concat([Buffer.from('got: '), data])), onShutdown: (connection) => connection.close() };
    },
  });
  t.is(statSync(path).mode & 0o777, 0o640);
  t.is(await pythonClient(path, 'event'), 'got: event');
  t.deepEqual(offered, [{ address: path, port: 0 }]);
  listener.close();
  await listener.wait();
  t.false(existsSync(path));
});

test.serial('without the mode option the file keeps the umask\'s permissions; mode is checked', (t) => {
  const path = socketPath();
  const listener = listenOn(path, { mode: 0o600 });
  t.is(statSync(path).mode & 0o777, 0o600);
  TCPClose(listener);
  const plain = listenOn(path);
  t.is(statSync(path).mode & 0o777, 0o777 & ~process.umask(), 'no mode: what the umask leaves');
  t.is(TCPGetOption(plain, 'mode'), -1);
  t.is(TCPSetOption(plain, 'mode', 0o600), ErrorCode.InvalidArgument, 'too late after TCPBind');
  TCPClose(plain);
  const unbound = TCPSocket();
  t.is(TCPSetOption(unbound, 'mode', 0o1777), ErrorCode.InvalidArgument);
  t.is(TCPSetOption(unbound, 'mode', -1), ErrorCode.InvalidArgument);
  t.is(TCPSetOption(unbound, 'mode', '660' as never), ErrorCode.WrongType);
  t.is(TCPSetOption(unbound, 'address', `/${'a'.repeat(107)}`), ErrorCode.InvalidArgument, 'a path too long for sun_path');
  TCPClose(unbound);
});

test.serial('a stale socket file (its server died) is replaced; a live one gives -10048; a file that is no socket is left alone', async (t) => {
  const stale = socketPath();
  const left = await run('python3', [peer, 'stale', stale]).done;
  t.is(left.code, 0, left.stderr);
  t.true(statSync(stale).isSocket(), 'the dead server left its file');
  t.is(TCPConnect(stale), ErrorCode.ConnectionRefused, 'nobody accepts there');
  const listener = listenOn(stale);
  const answer = pythonClient(stale, 'after stale');
  acceptAndAnswer(listener);
  t.is(await answer, 'got: after stale');

  const second = TCPSocket();
  TCPSetOption(second, 'address', stale);
  t.is(TCPBind(second, 0), ErrorCode.AddressInUse, 'a live server keeps its path');
  TCPClose(second);
  // The check connected once to find the server live: an empty connection, then the client's.
  const stillServing = pythonClient(stale, 'still');
  while (acceptAndAnswer(listener).received === '') continue;
  t.is(await stillServing, 'got: still', 'the live listener still serves');
  TCPClose(listener);

  const userFile = join(dir, 'notes.txt');
  writeFileSync(userFile, 'precious');
  const third = TCPSocket();
  TCPSetOption(third, 'address', userFile);
  t.is(TCPBind(third, 0), ErrorCode.AddressInUse, 'a file that is no socket is not ours to delete');
  t.is(readFileSync(userFile, 'utf8'), 'precious');
  TCPClose(third);
  const missingFolder = TCPSocket();
  TCPSetOption(missingFolder, 'address', join(dir, 'no-such-folder', 'x.sock'));
  t.is(TCPBind(missingFolder, 0), ErrorCode.AddressNotAvailable);
  TCPClose(missingFolder);
});

test.serial('an abstract name between our TCPConnect and our listener: no file, addresses are the name', async (t) => {
  const name = abstractName();
  const listener = listenOn(name, { mode: 0o600 }); // mode: nothing to apply it to
  t.is(TCPGetMyAddr(listener), name);
  const socket = TCPConnect(name);
  t.true(socket > 0, `TCPConnect gave ${socket}`);
  t.is(TCPGetRemoteAddr(socket), name);
  const accepted = TCPAccept(listener);
  t.true(accepted > 0);
  t.is(TCPGetRemoteAddr(accepted), name);
  t.is(TCPSend(socket, 'ping'), 4);
  t.is(echoOf(accepted, 4), 'ping');
  t.is(TCPSend(accepted, 'pong'), 4);
  t.is(echoOf(socket, 4), 'pong');
  TCPClose(socket);
  TCPClose(accepted);
  TCPClose(listener);
  t.is(TCPConnect(name), ErrorCode.ConnectionRefused, 'the name is gone with its listener');
  t.true(await until(() => !readFileSync('/proc/net/unix', 'utf8').includes(name.slice(1))), 'no socket of that name left after close');
});

// Node 20's libuv binds and connects an abstract name padded with NULs to 108 bytes: it
// reaches only another node 20's, not a name as Python or socat give it (docs/unix-sockets.md).
(nodeMajor >= 22 ? test.serial : test.skip)(
  nodeMajor >= 22
    ? 'an abstract name reaches a Python AF_UNIX peer and back (Node >= 22)'
    : `an abstract name reaches a Python AF_UNIX peer and back: skipped on Node ${nodeMajor}, whose libuv pads abstract names to 108 bytes (runs on Node >= 22)`,
  async (t) => {
    const name = abstractName();
    const python = await startPythonEcho(name);
    try {
      const socket = TCPConnect(name);
      t.true(socket > 0, `TCPConnect gave ${socket}`);
      t.is(TCPSend(socket, 'abstract'), 8);
      t.is(echoOf(socket, 8), 'abstract');
      TCPClose(socket);
    } finally {
      await stop(python);
    }
    const ours = abstractName();
    const listener = listenOn(ours);
    const answer = pythonClient(ours, 'from python');
    acceptAndAnswer(listener);
    t.is(await answer, 'got: from python');
    TCPClose(listener);
  },
);

test.serial('TLS over a path: TCPConnect with secure verifies our TLS listener as localhost', (t) => {
  const pki = makeTestPki();
  const trust = mkdtempSync(join(tmpdir(), 'tcp-unix-cacerts-'));
  copyFileSync(pki.file('ca.pem'), join(trust, 'ca.pem'));
  t.is(TCPSetTrustStore(trust, true), 1);
  try {
    const path = socketPath();
    const listener = TCPSocket();
    TCPSetOption(listener, 'address', path);
    t.is(TCPSetOption(listener, 'cert', pki.file('server.pem')), 0);
    t.is(TCPSetOption(listener, 'key', pki.file('server.key')), 0);
    t.is(TCPBind(listener, 0), 0);
    t.is(TCPListen(listener), 0);
    const socket = TCPConnect(path, 0, true, true); // the engine answers the handshake without TCPAccept
    t.true(socket > 0, `TCPConnect gave ${socket}`);
    t.is(TCPGetOption(socket, 'secure'), 1);
    const accepted = TCPAccept(listener);
    t.true(accepted > 0);
    t.is(TCPSend(socket, 'secret'), 6);
    t.is(echoOf(accepted, 6), 'secret');
    TCPClose(socket);
    TCPClose(accepted);
    TCPClose(listener);
  } finally {
    TCPSetTrustStore();
  }
});
