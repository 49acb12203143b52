// The PROXY protocol (v1 and v2) on a listener: the parser on its own, then real node:net
// clients sending headers (valid, split, truncated, garbage, too slow) to the engine.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import test from 'ava';
import { parseProxyHeader } from '../src/engine/proxy-header.js';
import {
  acceptAsync,
  receiveAsync,
  sendAsync,
  serve,
  TCPAccept,
  TCPBind,
  TCPBlock,
  TCPClose,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
  TCPListen,
  TCPListener,
  TCPSetOption,
  TCPSocket,
} from '../src/index.js';
import { makeTestPki } from './helpers/certs.js';

const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

/** A v2 header as HAProxy's send-proxy-v2 writes it (PROXY command, TCP over IPv4/IPv6), with optional TLVs. */
function v2Header(source: string, sourcePort: number, destination: string, destinationPort: number, tlvs = Buffer.alloc(0)): Buffer {
  const ipv6 = source.includes(':');
  const addressBytes = (address: string): Buffer => {
    if (!ipv6) return Buffer.from(address.split('.').map(Number));
    const socket = new net.SocketAddress({ address, family: 'ipv6' });
    // Expand with node's own parser: the groups of the canonical form.
    const full = socket.address.includes('::') ? expandIpv6(socket.address) : socket.address.split(':');
    return Buffer.from(full.map((g) => g.padStart(4, '0')).join(''), 'hex');
  };
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(sourcePort, 0);
  ports.writeUInt16BE(destinationPort, 2);
  const body = Buffer.concat([addressBytes(source), addressBytes(destination), ports, tlvs]);
  const fixed = Buffer.alloc(4);
  fixed[0] = 0x21; // version 2, PROXY
  fixed[1] = ipv6 ? 0x21 : 0x11; // INET6 / INET, STREAM
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, fixed, body]);
}

function expandIpv6(address: string): string[] {
  const [head, tail] = address.split('::') as [string, string];
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  return [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
}

const V2_LOCAL = Buffer.concat([V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);

// ---- the parser ---------------------------------------------------------------------------

test('parser: v1 TCP4, TCP6 and UNKNOWN lines', (t) => {
  t.deepEqual(parseProxyHeader(Buffer.from('PROXY TCP4 203.0.113.7 192.0.2.1 40000 443\r\nGET')), {
    kind: 'complete',
    length: 44,
    peer: { address: '203.0.113.7', port: 40000, family: 'IPv4' },
  });
  t.like(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 65535 80\r\n')), {
    kind: 'complete',
    peer: { address: '2001:db8::7', port: 65535, family: 'IPv6' },
  });
  t.deepEqual(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n')), { kind: 'complete', length: 15, peer: undefined });
});

test('parser: v2 IPv4, IPv6 (with TLVs), IPv4-mapped and LOCAL', (t) => {
  const v4 = v2Header('198.51.100.9', 5555, '127.0.0.1', 8080);
  t.deepEqual(parseProxyHeader(Buffer.concat([v4, Buffer.from('rest')])), {
    kind: 'complete',
    length: v4.length,
    peer: { address: '198.51.100.9', port: 5555, family: 'IPv4' },
  });
  const tlv = Buffer.from([0x05, 0x00, 0x03, 0x61, 0x62, 0x63]); // PP2_TYPE_UNIQUE_ID "abc"
  const v6 = v2Header('2001:db8:0:0:1::9', 6000, '::1', 80, tlv);
  t.deepEqual(parseProxyHeader(v6), { kind: 'complete', length: v6.length, peer: { address: '2001:db8::1:0:0:9', port: 6000, family: 'IPv6' } });
  const mapped = Buffer.from(v2Header('::1', 7, '::1', 80));
  mapped.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3], 16);
  t.like(parseProxyHeader(mapped), { peer: { address: '::ffff:10.1.2.3' } });
  t.deepEqual(parseProxyHeader(V2_LOCAL), { kind: 'complete', length: 16, peer: undefined });
});

test('parser: every proper prefix of a valid header is incomplete', (t) => {
  for (const header of [Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), v2Header('1.2.3.4', 1, '5.6.7.8', 2)]) {
    for (let n = 0; n < header.length; n++) t.is(parseProxyHeader(header.subarray(0, n)).kind, 'incomplete', `${n} bytes`);
  }
});

test('parser: garbage, bad fields and an over-long v1 line are invalid', (t) => {
  const invalid = [
    'GET / HTTP/1.0\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n',
    'PROXY TCP4 ::1 5.6.7.8 1 2\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n',
    'PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n',
    `PROXY TCP4 ${'1'.repeat(120)}`,
  ];
  for (const text of invalid) t.is(parseProxyHeader(Buffer.from(text)).kind, 'invalid', text);
  const badVersion = Buffer.from(V2_LOCAL);
  badVersion[12] = 0x10;
  t.is(parseProxyHeader(badVersion).kind, 'invalid');
  const shortBlock = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x00, 0x04, 1, 2, 3, 4])]);
  t.is(parseProxyHeader(shortBlock).kind, 'invalid');
});

// ---- the engine ---------------------------------------------------------------------------

/** A non-blocking listener with the proxy option on 127.0.0.1. */
function proxyListener(timeoutMs?: number, tlsFiles?: { cert: string; key: string }): { socket: number; port: number } {
  const socket = TCPSocket();
  TCPSetOption(socket, 'address', '127.0.0.1');
  TCPSetOption(socket, 'proxy', 1);
  if (timeoutMs !== undefined) TCPSetOption(socket, 'proxytimeout', timeoutMs);
  if (tlsFiles !== undefined) {
    TCPSetOption(socket, 'cert', tlsFiles.cert);
    TCPSetOption(socket, 'key', tlsFiles.key);
  }
  if (TCPBind(socket, 0) !== 0 || TCPListen(socket) !== 0) throw new Error('listener');
  return { socket, port: TCPGetMyPort(socket) };
}

/** Connects, writes each part in turn (a pause between them), resolves with what the server sends until it closes. */
function client(port: number, parts: Buffer[], gapMs = 0): { socket: net.Socket; reply: Promise<{ data: string; error?: string }> } {
  const socket = net.connect(port, '127.0.0.1');
  const reply = new Promise<{ data: string; error?: string }>((resolve) => {
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ data, error: error.code ?? error.message }));
    socket.on('close', () => resolve({ data }));
  });
  socket.once('connect', async () => {
    for (const part of parts) {
      if (socket.destroyed) return;
      socket.write(part);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  });
  return { socket, reply };
}

async function receiveText(socket: number, bytes: number): Promise<string> {
  let text = '';
  while (Buffer.byteLength(text) < bytes) {
    const chunk = await receiveAsync(socket);
    if (typeof chunk === 'number' || chunk.length === 0) break;
    text += Buffer.from(chunk).toString();
  }
  return text;
}

test('engine: a v1 header and the bytes behind it in one write: the client\'s address, nothing lost', async (t) => {
  const listener = proxyListener();
  try {
    const { reply } = client(listener.port, [Buffer.from('PROXY TCP4 203.0.113.7 192.0.2.1 40000 443\r\nhello after the header')]);
    const accepted = await acceptAsync(listener.socket);
    t.true(accepted > 0);
    t.is(TCPGetRemoteAddr(accepted), '203.0.113.7');
    t.is(TCPGetRemotePort(accepted), 40000);
    t.is(await receiveText(accepted, 22), 'hello after the header');
    TCPClose(accepted);
    t.like(await reply, { data: '' });
    t.is(TCPGetOption(listener.socket, 'proxyrefused'), 0);
  } finally {
    TCPClose(listener.socket);
  }
});

test('engine: a v2 header (IPv6 client) arriving a few bytes at a time, then data', async (t) => {
  const listener = proxyListener();
  try {
    const header = v2Header('2001:db8::42', 61000, '::1', 9000);
    const parts = [header.subarray(0, 5), header.subarray(5, 13), header.subarray(13, 20), Buffer.concat([header.subarray(20), Buffer.from('ab')]), Buffer.from('cd')];
    client(listener.port, parts, 20);
    const accepted = await acceptAsync(listener.socket);
    t.is(TCPGetRemoteAddr(accepted), '2001:db8::42');
    t.is(TCPGetRemotePort(accepted), 61000);
    t.is(await receiveText(accepted, 4), 'abcd');
    TCPClose(accepted);
  } finally {
    TCPClose(listener.socket);
  }
});

test('engine: a v2 LOCAL header (a balancer\'s health check) keeps the real peer', async (t) => {
  const listener = proxyListener();
  try {
    const { socket } = client(listener.port, [V2_LOCAL]);
    const accepted = await acceptAsync(listener.socket);
    t.is(TCPGetRemoteAddr(accepted), '127.0.0.1');
    t.is(TCPGetRemotePort(accepted), socket.localPort ?? -1);
    TCPClose(accepted);
  } finally {
    TCPClose(listener.socket);
  }
});

test('engine: garbage, a truncated header and a slowloris are reset, counted, never accepted; a good client meanwhile is', async (t) => {
  const listener = proxyListener(400);
  TCPBlock(listener.socket, 1);
  try {
    const garbage = client(listener.port, [Buffer.from('GET / HTTP/1.0\r\n\r\n')]);
    const truncated = client(listener.port, [Buffer.from('PROXY TCP4 10.0.0.1 10.0.')]);
    setTimeout(() => truncated.socket.end(), 100); // the scenario: a header cut short, then the end a moment later
    // Slowloris: a valid header's first bytes, one every 150 ms: past the 400 ms time-out.
    const slow = client(listener.port, [...Buffer.from('PROXY TCP4 10.9.9.9 10.0.0.2 1 2\r\n')].map((b) => Buffer.from([b])), 150);
    const good = client(listener.port, [Buffer.from('PROXY TCP4 192.0.2.50 192.0.2.1 1234 80\r\nok')]);
    // The good one is served while the slow one is still being read.
    let accepted = -10035;
    const deadline = Date.now() + 60_000; // generous: a loaded machine
    while (accepted === -10035 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      accepted = TCPAccept(listener.socket);
    }
    t.true(accepted > 0);
    t.is(TCPGetRemoteAddr(accepted), '192.0.2.50');
    TCPClose(accepted);
    const results = await Promise.all([garbage.reply, truncated.reply, slow.reply]);
    for (const result of results) t.is(result.data, '');
    t.is(results[0]!.error, 'ECONNRESET');
    t.is(results[2]!.error, 'ECONNRESET');
    t.is(TCPGetOption(listener.socket, 'proxyrefused'), 3);
    t.is(TCPAccept(listener.socket), -10035); // none of them queued
    await good.reply;
  } finally {
    TCPClose(listener.socket);
  }
});

test('engine: the PROXY header comes before TLS; the TLS client is seen at its proxied address', async (t) => {
  const pki = makeTestPki();
  const listener = proxyListener(undefined, { cert: pki.file('server.pem'), key: pki.file('server.key') });
  try {
    const raw = net.connect(listener.port, '127.0.0.1');
    await new Promise((r) => raw.once('connect', r));
    raw.write(v2Header('203.0.113.99', 50505, '127.0.0.1', listener.port));
    const secure = tls.connect({ socket: raw, ca: readFileSync(pki.file('ca.pem')), servername: 'localhost' });
    const said = new Promise<string>((resolve, reject) => {
      let data = '';
      secure.on('data', (chunk) => (data += chunk.toString()));
      secure.on('end', () => resolve(data));
      secure.on('error', reject);
    });
    secure.once('secureConnect', () => secure.write('over tls'));
    const accepted = await acceptAsync(listener.socket);
    t.true(accepted > 0);
    t.teardown(() => secure.destroy());
    t.is(TCPGetOption(accepted, 'secure'), 1);
    t.is(TCPGetRemoteAddr(accepted), '203.0.113.99');
    t.is(TCPGetRemotePort(accepted), 50505);
    t.is(await receiveText(accepted, 8), 'over tls');
    await sendAsync(accepted, Buffer.from('bye'));
    TCPClose(accepted);
    t.is(await said, 'bye');
  } finally {
    TCPClose(listener.socket);
  }
});

test('TCPListener({ proxy: true }) offers the client at its proxied address', async (t) => {
  const seen = new Promise<{ address: string; port: number }>((resolve) => {
    const listener = TCPListener.listen({
      address: '127.0.0.1',
      proxy: true,
      onConnection(_listener, client) {
        resolve({ address: client.address, port: client.port });
        listener.close();
        return null;
      },
    });
    client(listener.port, [Buffer.from('PROXY TCP4 198.51.100.1 192.0.2.1 4242 80\r\n')]);
  });
  t.deepEqual(await seen, { address: '198.51.100.1', port: 4242 });
});

test('serve({ proxy: true }): the handler\'s peer and TCPGetRemoteAddr are the client\'s', async (t) => {
  const server = await serve({ handler: new URL('./fixtures/handlers/peer-report.ts', import.meta.url), address: '127.0.0.1', proxy: true, threads: 1 });
  try {
    const { reply } = client(server.port, [Buffer.from('PROXY TCP4 198.51.100.77 192.0.2.1 31337 80\r\nhi\n')]);
    const { data } = await reply;
    const [address, port, remote] = data.trim().split(' ');
    t.deepEqual([address, port, remote], ['198.51.100.77', '31337', '198.51.100.77']);
    const refused = client(server.port, [Buffer.from('hi\n')]);
    t.is((await refused.reply).data, '');
  } finally {
    await server.close();
  }
});
