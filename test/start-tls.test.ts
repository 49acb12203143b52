// TCPStartTLS both ways against real peers: our client against a Python SMTP server that
// answers STARTTLS with its ssl module, and `openssl s_client -starttls smtp` against a
// handler written with the commands.
import test from 'ava';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Direct, DirectFlag } from '../src/direct-layout.js';
import { directEntryBase } from '../src/protocol.js';
import {
  engineHandle,
  TCPAccept,
  TCPAvailable,
  TCPBind,
  TCPClose,
  TCPConnect,
  TCPGetMyPort,
  TCPGetOption,
  TCPListen,
  TCPReceive,
  TCPReceiveUntil,
  TCPStats,
  TCPSend,
  TCPSetOption,
  TCPSetTrustStore,
  TCPSocket,
  TCPStartTLS,
  WebDevGetSecureError,
  WebDevSetConfig,
} from '../src/index.js';
import { makeTestPki } from './helpers/certs.js';
import { startSmtpPeer } from './helpers/peers.js';
import { until } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';
import { type AddressInfo, connect, createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const pki = makeTestPki();
const caFolder = mkdtempSync(join(tmpdir(), 'tcp-cacerts-'));
copyFileSync(pki.file('ca.pem'), join(caFolder, 'ca.pem'));
const emptyFolder = mkdtempSync(join(tmpdir(), 'tcp-cacerts-'));

/** One SMTP reply (all its lines), as a client reads it: lines until "NNN " starts one. */
function reply(socket: number): string {
  let text = '';
  const line = { value: '' };
  for (;;) {
    if (TCPReceiveUntil(socket, line, '\r\n') <= 0) return `${text}<closed>`;
    text += line.value;
    if (/^\d{3} /.test(line.value)) return text;
  }
}

function command(socket: number, line: string): string {
  TCPSend(socket, [line, '\r\n']);
  return reply(socket);
}

/** A plain SMTP session up to the 220 that invites the handshake. */
function upToStartTls(port: number, host = '127.0.0.1'): number {
  const s = TCPConnect(host, port);
  reply(s);
  command(s, 'EHLO client.test');
  const go = command(s, 'STARTTLS');
  if (!go.startsWith('220')) throw new Error(`no STARTTLS: ${go}`);
  return s;
}


// The trust store is process-wide: these tests run one at a time.
test.serial('client: a mail over STARTTLS to a Python SMTP server (ssl module), verified against our CA', async (t) => {
  const peer = await startSmtpPeer(pki.file('server.pem'), pki.file('server.key'));
  try {
    t.is(TCPSetTrustStore(caFolder, true), 1);
    for (const host of ['127.0.0.1', 'localhost']) {
      const s = TCPConnect(host, peer.port);
      t.regex(reply(s), /^220 /);
      t.regex(command(s, 'EHLO client.test'), /250 STARTTLS\r\n$/);
      t.regex(command(s, 'MAIL FROM:<a@test>'), /^530 /, 'the peer insists on TLS');
      t.regex(command(s, 'STARTTLS'), /^220 /);
      t.is(TCPGetOption(s, 'secure'), 0);
      t.is(TCPStartTLS(s), 0, WebDevGetSecureError());
      t.is(TCPGetOption(s, 'secure'), 1);
      t.regex(String(TCPGetOption(s, 'tlsversion')), /^TLSv1\.[23]$/);
      t.regex(String(TCPGetOption(s, 'peercert')), /CN=localhost/);
      t.regex(command(s, 'EHLO client.test'), /^250-localhost/);
      t.regex(command(s, 'MAIL FROM:<a@test>'), /^250 /);
      t.regex(command(s, 'RCPT TO:<b@test>'), /^250 /);
      t.regex(command(s, 'DATA'), /^354 /);
      t.regex(command(s, `Subject: over ${host}\r\n\r\nhéllo\r\n.`), /^250 /);
      const mail = JSON.parse(await peer.nextLine()) as { from: string; to: string[]; tls: string; body: string };
      t.deepEqual(mail, { from: '<a@test>', to: ['<b@test>'], tls: String(TCPGetOption(s, 'tlsversion')), body: `Subject: over ${host}\r\n\r\nhéllo` });
      t.regex(command(s, 'QUIT'), /^221 /);
      t.is(TCPStartTLS(s), -10022, 'already secure');
      t.is(TCPClose(s), 0);
    }
  } finally {
    await peer.stop();
  }
});

test.serial('client: an untrusted or misnamed server is -1021 with the reason, as TCPConnect; verify=false encrypts anyway', async (t) => {
  const peer = await startSmtpPeer(pki.file('server.pem'), pki.file('server.key'));
  try {
    t.is(TCPSetTrustStore(emptyFolder, true), 0);
    const untrusted = upToStartTls(peer.port);
    t.is(TCPStartTLS(untrusted), -1021);
    t.regex(WebDevGetSecureError(), /trusted CA/);
    t.true(TCPSend(untrusted, 'x') < 0 || TCPReceiveUntil(untrusted, { value: '' }) <= 0, 'the connection is unusable');
    t.is(TCPClose(untrusted), 0);

    const unverified = upToStartTls(peer.port);
    t.is(TCPStartTLS(unverified, false), 0);
    t.regex(command(unverified, 'EHLO again'), /^250-localhost/);
    t.is(TCPClose(unverified), 0);

    t.is(TCPSetTrustStore(caFolder, true), 1);
    const misnamed = upToStartTls(peer.port);
    t.is(TCPStartTLS(misnamed, true, 'wrong.example'), -1021);
    t.regex(WebDevGetSecureError(), /not for this host name/);
    t.is(TCPClose(misnamed), 0);
  } finally {
    await peer.stop();
  }
});

test.serial('server: openssl s_client -starttls smtp against a handler of ours; its early ClientHello is not lost', async (t) => {
  const listener = TCPSocket();
  t.is(TCPBind(listener, 0), 0);
  t.is(TCPListen(listener), 0);
  const client = spawn('openssl', [
    's_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${TCPGetMyPort(listener)}`,
    '-servername', 'localhost', '-CAfile', pki.file('ca.pem'), '-verify_return_error', '-quiet',
  ]);
  let stdout = '';
  let stderr = '';
  client.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  client.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => client.once('exit', resolve));
  client.stdin.end('hello over tls\r\n');
  WebDevSetConfig(undefined, 15); // bounds TCPStartTLS, should the handshake never come
  try {
    const s = TCPAccept(listener);
    t.true(s > 0);
    t.is(TCPSetOption(s, 'cert', pki.file('server.pem')), 0);
    t.is(TCPSetOption(s, 'key', pki.file('server.key')), 0);
    TCPSend(s, '220 localhost ESMTP ours\r\n');
    const line = { value: '' };
    t.true(TCPReceiveUntil(s, line, '\r\n') > 0);
    t.regex(line.value, /^EHLO /);
    TCPSend(s, '250-localhost\r\n250 STARTTLS\r\n');
    t.true(TCPReceiveUntil(s, line, '\r\n') > 0);
    t.is(line.value, 'STARTTLS\r\n');
    TCPSend(s, '220 Go ahead\r\n');
    t.true(await until(() => TCPAvailable(s) > 0), "s_client's ClientHello is in the engine's queue, unread");
    t.is(TCPStartTLS(s), 0, WebDevGetSecureError());
    t.is(TCPGetOption(s, 'secure'), 1);
    t.true(TCPReceiveUntil(s, line, '\r\n') > 0);
    t.is(line.value, 'hello over tls\r\n', 'decrypted');
    TCPSend(s, `250 got: ${line.value}`);
    t.is(TCPClose(s), 0);
    t.is(await exited, 0, stderr);
    t.regex(stdout, /250 got: hello over tls/);
  } finally {
    client.kill();
    TCPClose(listener);
  }
});

test.serial('server: cert without key is -1021 with the reason; a listener with cert/key stays TLS from the first byte', (t) => {
  const listener = TCPSocket();
  TCPBind(listener, 0);
  TCPListen(listener);
  const s = TCPConnect('127.0.0.1', TCPGetMyPort(listener));
  const accepted = TCPAccept(listener);
  t.is(TCPSetOption(accepted, 'cert', pki.file('server.pem')), 0);
  t.is(TCPGetOption(accepted, 'cert'), pki.file('server.pem'));
  t.is(TCPStartTLS(accepted), -1021);
  t.regex(WebDevGetSecureError(), /both the 'cert' and the 'key'/);
  TCPClose(s);
  TCPClose(accepted);
  TCPClose(listener);

  const secureListener = TCPSocket();
  TCPSetOption(secureListener, 'cert', pki.file('server.pem'));
  TCPSetOption(secureListener, 'key', pki.file('server.key'));
  TCPBind(secureListener, 0);
  TCPListen(secureListener);
  const client = TCPConnect('127.0.0.1', TCPGetMyPort(secureListener), true, false);
  t.true(client > 0, WebDevGetSecureError());
  const tlsAccepted = TCPAccept(secureListener);
  t.is(TCPGetOption(tlsAccepted, 'secure'), 1, 'TLS from the first byte');
  t.is(TCPStartTLS(tlsAccepted), -10022);
  t.is(TCPSetOption(tlsAccepted, 'cert', pki.file('server.pem')), -10022);
  TCPClose(client);
  TCPClose(tlsAccepted);
  TCPClose(secureListener);
});

test.serial('client: plain bytes read before TCPStartTLS still count in bytesIn; a reset a direct read saw is its answer', async (t) => {
  const peer = await startSmtpPeer(pki.file('server.pem'), pki.file('server.key'));
  try {
    t.is(TCPSetTrustStore(caFolder, true), 1);
    const before = TCPStats();
    if (typeof before === 'number') throw new Error(`TCPStats ${before}`);
    const s = TCPConnect('127.0.0.1', peer.port);
    const plain = reply(s) + command(s, 'EHLO client.test') + command(s, 'STARTTLS');
    t.is(TCPStartTLS(s), 0, WebDevGetSecureError());
    const after = TCPStats();
    if (typeof after === 'number') throw new Error(`TCPStats ${after}`);
    t.true(after.bytesIn - before.bytesIn >= Buffer.byteLength(plain), `bytesIn grew by ${after.bytesIn - before.bytesIn}, the plain replies alone were ${Buffer.byteLength(plain)}`);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
  // A peer that resets the connection; a direct read sees it (the engine does not read then).
  let resetDone = false;
  const server = createServer((socket) => {
    socket.resetAndDestroy();
    resetDone = true;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const s = TCPConnect('127.0.0.1', (server.address() as AddressInfo).port);
    t.true(await until(() => resetDone));
    const first = TCPReceive(s, new Uint8Array(16));
    t.is(first, -10054, 'the receive sees the reset');
    t.is(TCPStartTLS(s), -10054, 'and so does TCPStartTLS, not a TLS failure');
    TCPClose(s);
  } finally {
    server.close();
  }
});

/** True once the engine has begun TCPStartTLS on `socket`: its direct entry no longer lets calls in. */
function upgradeBegun(socket: number): boolean {
  const registry = new Int32Array(engineHandle().tcpCommandsEngine);
  const base = directEntryBase(socket);
  return Atomics.load(registry, base + Direct.Socket) !== socket || (Atomics.load(registry, base + Direct.Flags) & DirectFlag.Closed) !== 0;
}

test.serial('server: the ClientHello of a client that waits for GO never reaches another thread receiving on the socket', async (t) => {
  // One thread upgrades each round's connection while another does non-blocking receives
  // on it until the upgrade is done; the client sends its hello only after GO and a pause.
  const listener = TCPSocket();
  t.is(TCPBind(listener, 0), 0);
  t.is(TCPListen(listener), 0);
  const port = TCPGetMyPort(listener);
  const rounds = Number(process.env.STARTTLS_RACE_ROUNDS ?? 120);
  const shared = new SharedArrayBuffer(32);
  const common = { shared, listener, rounds, cert: pki.file('server.pem'), key: pki.file('server.key') };
  const upgrader = startWorkerFixture('starttls-race-worker.ts', { role: 'upgrade', ...common });
  const snooper = startWorkerFixture('starttls-race-worker.ts', { role: 'snoop', ...common });
  try {
    for (let round = 1; round <= rounds; round++) {
      const plain = connect(port, '127.0.0.1');
      const go = await new Promise<string>((resolve, reject) => {
        plain.once('data', (chunk: Buffer) => resolve(chunk.toString()));
        plain.once('error', reject);
      });
      t.is(go, 'GO\n');
      // The hello goes only once the upgrade has begun in the engine: the socket's direct
      // entry is closed to direct calls from that moment (engine path: a pause instead).
      const s = Atomics.load(new Int32Array(shared), 0);
      if (process.env.TCP_COMMANDS_DIRECT === '0') await new Promise((resolve) => setTimeout(resolve, 20));
      else t.true(await until(() => upgradeBegun(s)), `round ${round}: the upgrade begins`);
      const secured = tlsConnect({ socket: plain, rejectUnauthorized: false });
      secured.on('error', () => {});
      const ready = await new Promise<string>((resolve) => {
        secured.once('data', (chunk: Buffer) => resolve(chunk.toString()));
        secured.once('close', () => resolve('(closed)'));
        // A hello taken by the other thread leaves the handshake waiting for it.
        setTimeout(() => resolve('(no handshake within 5 s)'), 5_000).unref();
      });
      if (ready !== 'READY\n') {
        secured.destroy();
        // Where the two threads were (starttls-race-worker.ts Word, Step): which side stalled.
        const [socket, snooping, stop, , step, upgraded, stolen] = new Int32Array(shared);
        t.fail(`round ${round}: ${ready}; upgrading thread at step ${step} (TCPStartTLS ${upgraded}), socket ${socket} snooping ${snooping} stop ${stop}, ${stolen} receives with bytes by the other thread`);
        return; // (the workers are ended below)
      }
      secured.end('PING\n');
      await new Promise((resolve) => secured.once('close', resolve));
    }
    const upgrades = (await upgrader.nextMessage()) as { failures: string[] };
    const snooped = (await snooper.nextMessage()) as { stolen: string[]; receives: number };
    t.log(`${rounds} rounds; ${snooped.receives} receives by the other thread`);
    t.deepEqual(upgrades.failures, []);
    t.deepEqual(snooped.stolen, [], 'no byte of a handshake reached the other thread');
  } finally {
    await upgrader.worker.terminate();
    await snooper.worker.terminate();
    TCPClose(listener);
  }
});

test('bad arguments: documented codes, nothing thrown', (t) => {
  const listener = TCPSocket();
  TCPBind(listener, 0);
  TCPListen(listener);
  const s = TCPConnect('127.0.0.1', TCPGetMyPort(listener));
  const loose = TCPStartTLS as (...args: unknown[]) => number;
  t.is(loose(), -503);
  t.is(loose(s, true, 'x', 4), -503);
  t.is(loose(s, 'yes'), -501);
  t.is(loose(s, true, 5), -501);
  t.is(TCPStartTLS(s, true, 'bad\nname'), -10022);
  t.is(TCPStartTLS(0x7ffffff0), -509);
  t.is(TCPStartTLS(listener), -10057, 'a listener is not a connection');
  TCPClose(s);
  TCPClose(listener);
});
