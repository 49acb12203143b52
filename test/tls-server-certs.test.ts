// Server-side TLS of issue 25 against real peers: client certificates (`verifyclient` 1
// and 2) with openssl s_client and a Python ssl client on TLS 1.2 and 1.3, SNI with two
// names, a certificate swapped under load, serve()'s reloadCertificates() and its expiry
// warning. Certificates are made with the openssl command (helpers/openssl-pki.ts).
import test from 'ava';
import { spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import {
  ErrorCode,
  serve,
  TCPAccept,
  TCPBind,
  TCPBlock,
  TCPClose,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetPeerCertificate,
  TCPListen,
  TCPSend,
  TCPSetOption,
  TCPSocket,
  WebDevGetSecureError,
} from '../src/index.js';
import { CERTIFICATE_CHANNEL, type CertificateMessage } from '../src/diagnostics/channels.js';
import { parseSni, sniLookup } from '../src/tls/sni.js';
import { makeOpensslPki } from './helpers/openssl-pki.js';
import { run } from './helpers/run.js';
import { waitFor } from './helpers/wait-for.js';

const pki = makeOpensslPki();
const greeter = new URL('./fixtures/handlers/greet.ts', import.meta.url);
const pythonClient = new URL('./peers/tls_cert_client.py', import.meta.url).pathname;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Listener {
  port: number;
  listener: number;
  /** Servername of each accepted connection, in order. */
  accepted: string[];
  /** The subject of each accepted connection's client certificate ('' for none). */
  peers: string[];
  /** TCPGetPeerCertificate of each accepted connection: its holder's value, or the code. */
  certificates: unknown[];
  /** WebDevGetSecureError of each -1021 TCPAccept returned. */
  refused: string[];
  /** The first `keep` connections accepted, left open (not greeted). */
  kept: number[];
  stop(): void;
}

/**
 * A TLS listener made with the commands, non-blocking, its accept loop running between
 * this thread's events: each accepted client is greeted and closed, except the first
 * `keep`, which are kept open.
 */
function listen(options: Record<string, string | number>, keep = 0): Listener {
  const listener = TCPSocket();
  TCPSetOption(listener, 'address', '127.0.0.1');
  for (const [name, value] of Object.entries({ ...options, cert: pki.file('server.pem'), key: pki.file('server.key') })) {
    const result = TCPSetOption(listener, name, value);
    if (result !== 0) throw new Error(`option ${name}: ${result} ${WebDevGetSecureError()}`);
  }
  if (TCPBind(listener, 0) !== 0 || TCPListen(listener) !== 0) throw new Error('cannot listen');
  TCPBlock(listener, 1);
  const server: Listener = { port: TCPGetMyPort(listener), listener, accepted: [], peers: [], certificates: [], refused: [], kept: [], stop: () => {} };
  let running = true;
  server.stop = () => {
    running = false;
    TCPClose(listener);
  };
  void (async () => {
    while (running) {
      const socket = TCPAccept(listener);
      if (socket > 0) {
        server.accepted.push(String(TCPGetOption(socket, 'servername')));
        server.peers.push(String(TCPGetOption(socket, 'peercert')));
        const certificate: { value?: unknown } = {};
        const code = TCPGetPeerCertificate(socket, certificate);
        server.certificates.push(code === 0 ? certificate.value : code);
        if (server.kept.length < keep) {
          server.kept.push(socket);
          continue;
        }
        TCPSend(socket, 'hello\n');
        TCPClose(socket);
      } else if (socket === ErrorCode.TlsError) {
        server.refused.push(WebDevGetSecureError());
      } else {
        await sleep(5);
      }
    }
  })();
  return server;
}

/** The Python client's one line (tls_cert_client.py). */
async function python(port: number, version: '1.2' | '1.3', client?: string): Promise<string> {
  const args = [pythonClient, String(port), version, pki.file('ca.pem'), ...(client === undefined ? [] : [pki.file(`${client}.pem`), pki.file(`${client}.key`)])];
  const done = await run('python3', args).done;
  return (done.stdout + done.stderr).trim();
}

/** openssl s_client: everything it printed. */
async function sClient(port: number, args: string[]): Promise<string> {
  const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.file('ca.pem'), ...args]);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.end('');
  await new Promise((resolve) => child.once('close', resolve));
  return output;
}

const serverSerial = pki.serial('server');

test.serial('verifyclient 2: a CA-signed client certificate is accepted; none, or an unknown CA\'s, is refused before TCPAccept, and the client gets an error, not a hang', async (t) => {
  const server = listen({ clientca: pki.cacerts, verifyclient: 2 });
  try {
    t.is(TCPGetOption(server.listener, 'verifyclient'), 2);
    for (const version of ['1.2', '1.3'] as const) {
      t.is(await python(server.port, version, 'client'), `${serverSerial} received hello`, version);
      const none = await python(server.port, version);
      // TLS 1.2: OpenSSL's alert ends the handshake. TLS 1.3: the client's handshake is
      // over before the server has read its (empty) certificate: the alert comes at its first read.
      if (version === '1.2') t.regex(none, /^handshake-failed .*(HANDSHAKE_FAILURE|handshake failure)/i, none);
      else t.regex(none, new RegExp(`^${serverSerial} refused .*CERTIFICATE_REQUIRED`, 'i'), none);
      const rogue = await python(server.port, version, 'rogue');
      t.notRegex(rogue, /received/, `${version}: an unknown CA's certificate: ${rogue}`);
    }
    const tls13 = await sClient(server.port, ['-tls1_3', '-quiet']);
    t.regex(tls13, /alert certificate required/, tls13);
    const withCert = await sClient(server.port, ['-tls1_2', '-quiet', '-cert', pki.file('client.pem'), '-key', pki.file('client.key')]);
    t.regex(withCert, /hello/, withCert);
    await waitFor(() => server.accepted.length + server.refused.length === 8, 'every client through TCPAccept', 10_000);
    t.is(server.accepted.length, 3, 'only the clients with a good certificate are connections');
    t.deepEqual(server.peers, ['CN=good client', 'CN=good client', 'CN=good client']);
    t.is(server.refused.length, 5);
    t.true(server.refused.some((reason) => /did not return a certificate/i.test(reason)), server.refused.join(' | '));
    t.true(server.refused.some((reason) => /client certificate does not verify/.test(reason)), server.refused.join(' | '));
  } finally {
    server.stop();
  }
});

test.serial('verifyclient 1: a client without a certificate is accepted, one with a good certificate too, one from an unknown CA is refused', async (t) => {
  const server = listen({ clientca: pki.cacerts, verifyclient: 1 });
  try {
    for (const version of ['1.2', '1.3'] as const) {
      t.is(await python(server.port, version), `${serverSerial} received hello`, `${version} without`);
      t.is(await python(server.port, version, 'client'), `${serverSerial} received hello`, `${version} with`);
      const rogue = await python(server.port, version, 'rogue');
      t.notRegex(rogue, /received/, rogue);
    }
    await waitFor(() => server.accepted.length + server.refused.length === 6, 'every client through TCPAccept');
    t.is(server.accepted.length, 4);
    t.deepEqual(server.peers, ['', 'CN=good client', '', 'CN=good client']);
    t.is(server.refused.length, 2);
  } finally {
    server.stop();
  }
});

test.serial('verifyclient 2 with no CA to verify against is refused at TCPSetOption, with the reason', (t) => {
  const socket = TCPSocket();
  const empty = mkdtempSync(join(tmpdir(), 'tcp-no-ca-'));
  t.is(TCPSetOption(socket, 'clientca', empty), 0);
  t.is(TCPSetOption(socket, 'verifyclient', 2), 0);
  t.is(TCPSetOption(socket, 'cert', pki.file('server.pem')), 0);
  t.is(TCPSetOption(socket, 'key', pki.file('server.key')), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /no CA certificate/);
  t.is(TCPSetOption(socket, 'clientca', pki.cacerts), 0);
  t.is(TCPSetOption(socket, 'key', pki.file('server.key')), 0);
  t.is(TCPGetOption(socket, 'secure'), 1);
  t.is(TCPSetOption(socket, 'clientca', empty), ErrorCode.TlsError, 'a serving listener keeps its CAs');
  t.is(TCPGetOption(socket, 'clientca'), pki.cacerts);
  TCPClose(socket);
});

test.serial('SNI: a.example gets certificate A, b.example B, other names and none the default; servername on the accepted socket', async (t) => {
  const sni = `a.example=${pki.file('a.pem')},${pki.file('a.key')}; b.example=${pki.file('b.pem')},${pki.file('b.key')}`;
  const server = listen({ sni });
  try {
    t.is(TCPGetOption(server.listener, 'sni'), sni);
    const a = await sClient(server.port, ['-servername', 'a.example', '-ign_eof']);
    t.regex(a, /subject=CN ?= ?a\.example/, a);
    const b = await sClient(server.port, ['-servername', 'b.example', '-ign_eof']);
    t.regex(b, /subject=CN ?= ?b\.example/, b);
    const other = await sClient(server.port, ['-servername', 'c.example', '-ign_eof']);
    t.regex(other, /subject=CN ?= ?localhost/, other);
    t.regex(a + b + other, /^hello$/m, 'each waited for its greeting (-ign_eof): accepted before it left');
    // node:tls sends no server name when it connects to an IP address.
    const noName = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca: [readFileSync(pki.file('ca.pem'), 'utf8')] });
      socket.on('error', reject);
      socket.once('data', () => {
        resolve(String(socket.getPeerCertificate().subject.CN));
        socket.destroy();
      });
    });
    t.is(noName, 'localhost');
    await waitFor(() => server.accepted.length === 4, 'four accepted');
    t.deepEqual(server.accepted, ['a.example', 'b.example', 'c.example', '']);
    t.is(TCPSetOption(server.listener, 'sni', 'a.example=missing.pem'), ErrorCode.TlsError);
    t.regex(WebDevGetSecureError(), /not name=cert,key/);
  } finally {
    server.stop();
  }
});

test('the sni text: entries, a wildcard for one label, names in any case; verifyclient only 0..2, and only on listeners', (t) => {
  const entries = parseSni(' A.example = a.pem , a.key ;*.b.example=b.pem,b.key; ');
  t.deepEqual(entries, [
    { name: 'a.example', cert: 'a.pem', key: 'a.key' },
    { name: '*.b.example', cert: 'b.pem', key: 'b.key' },
  ]);
  t.is(sniLookup(entries, 'a.EXAMPLE'), 'a.example');
  t.is(sniLookup(entries, 'x.b.example'), '*.b.example');
  t.is(sniLookup(entries, 'y.x.b.example'), undefined, 'one label only');
  t.is(sniLookup(entries, 'b.example'), undefined);
  t.deepEqual(parseSni(''), []);
  t.throws(() => parseSni('a.example=a.pem'), { message: /not name=cert,key/ });
  const socket = TCPSocket();
  t.is(TCPSetOption(socket, 'verifyclient', 3), ErrorCode.InvalidArgument);
  t.is(TCPSetOption(0, 'verifyclient', 1), ErrorCode.InvalidArgument);
  t.is(TCPSetOption(socket, 'servername', 'x'), ErrorCode.InvalidArgument, 'read-only');
  t.is(TCPSetOption(socket, 'certreload', 1), ErrorCode.InvalidArgument, 'not a listener yet');
  TCPClose(socket);
});

/**
 * node:tls clients connecting one after another until stopped (with the CA-signed client
 * certificate when `withCert`): each one's server certificate serial, and the failures.
 */
function clientLoop(port: number, withCert = false): { serials: string[]; failures: string[]; stop(): Promise<void> } {
  const result = { serials: [] as string[], failures: [] as string[], stop: async () => {} };
  const read = (name: string): string => readFileSync(pki.file(name), 'utf8');
  const options: tls.ConnectionOptions = { host: '127.0.0.1', port, ca: [read('ca.pem')], ...(withCert ? { cert: read('client.pem'), key: read('client.key') } : {}) };
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise<void>((resolve) => {
        const socket = tls.connect(options, () => result.serials.push(socket.getPeerCertificate().serialNumber));
        let data = '';
        socket.on('data', (d: Buffer) => (data += d.toString()));
        socket.on('error', (error) => result.failures.push(error.message));
        socket.on('close', () => {
          if (data !== 'hello\n') result.failures.push(`got '${data}'`);
          resolve();
        });
      });
    }
  })();
  result.stop = async () => {
    running = false;
    await loop;
  };
  return result;
}

test.serial('cert and key set on a listening socket: clients connecting in a loop through the swap see no failure, new handshakes the new serial, an established connection goes on', async (t) => {
  const server = listen({}, 1);
  const established = tls.connect({ host: '127.0.0.1', port: server.port, ca: [readFileSync(pki.file('ca.pem'), 'utf8')] });
  let received = '';
  established.on('data', (d: Buffer) => (received += d.toString()));
  await waitFor(() => server.kept.length === 1, 'the established connection accepted');
  const loops = [clientLoop(server.port), clientLoop(server.port)];
  try {
    await waitFor(() => loops.every((loop) => loop.serials.length >= 5), 'clients served with the first certificate');
    t.is(TCPSetOption(server.listener, 'cert', pki.file('renewed.pem')), 0);
    t.is(TCPSetOption(server.listener, 'key', pki.file('renewed.key')), 0);
    t.is(TCPGetOption(server.listener, 'cert'), pki.file('renewed.pem'));
    const before = loops.map((loop) => loop.serials.length);
    await waitFor(() => loops.every((loop, i) => loop.serials.length >= before[i]! + 5), 'clients served after the swap');
    t.is(TCPSend(server.kept[0]!, 'still here\n'), 11);
    await waitFor(() => received === 'still here\n', 'the established connection still carries data');
    t.is(established.getPeerCertificate().serialNumber, serverSerial);
  } finally {
    await Promise.all(loops.map((loop) => loop.stop()));
    established.destroy();
    for (const socket of server.kept) TCPClose(socket);
    server.stop();
  }
  for (const loop of loops) {
    t.deepEqual(loop.failures, []);
    t.is(loop.serials[0], serverSerial);
    t.is(loop.serials.at(-1), pki.serial('renewed'));
  }
  t.deepEqual(server.refused, []);
});

test.serial('a bad key set on a serving listener is -1021 with the reason, and the listener goes on with its pair', async (t) => {
  const server = listen({});
  try {
    t.is(TCPSetOption(server.listener, 'key', pki.file('server.csr')), ErrorCode.TlsError);
    t.regex(WebDevGetSecureError(), /do not make a TLS server/);
    t.is(TCPGetOption(server.listener, 'key'), pki.file('server.key'));
    t.is(TCPGetOption(server.listener, 'secure'), 1);
    const loop = clientLoop(server.port);
    await waitFor(() => loop.serials.length >= 2, 'clients served');
    await loop.stop();
    t.deepEqual(loop.failures, []);
    t.is(loop.serials[0], serverSerial);
  } finally {
    server.stop();
  }
});

test.serial('serve(): verifyClient 2 and reloadCertificates() re-reads the files under load; a certificate near expiry is logged and published', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-serve-certs-'));
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  copyFileSync(pki.file('expiring.pem'), cert);
  copyFileSync(pki.file('expiring.key'), key);
  const logged: string[] = [];
  const published: CertificateMessage[] = [];
  const onMessage = (message: unknown): void => void published.push(message as CertificateMessage);
  diagnostics.subscribe(CERTIFICATE_CHANNEL, onMessage);
  const server = await serve({ handler: greeter, port: 0, address: '127.0.0.1', cert, key, verifyClient: 2, clientCa: pki.cacerts, log: (m) => logged.push(m) });
  try {
    t.true(logged.some((line) => /certificate .*server\.pem .*expires in [45] day/.test(line)), logged.join('\n'));
    t.is(published.length, 1);
    t.is(published[0]!.file, cert);
    t.true(published[0]!.daysLeft <= 5);

    t.is(await python(server.port, '1.3', 'client'), `${pki.serial('expiring')} received hello`);
    t.notRegex(await python(server.port, '1.3'), /received/);
    await waitFor(() => server.stats().handshakeFailures === 1, 'the client without a certificate counted as a handshake failure');

    const loop = clientLoop(server.port, true);
    await waitFor(() => loop.serials.length >= 5, 'clients served');
    copyFileSync(pki.file('renewed.pem'), cert);
    copyFileSync(pki.file('renewed.key'), key);
    await server.reloadCertificates!();
    const before = loop.serials.length;
    await waitFor(() => loop.serials.length >= before + 5, 'clients served after the reload');
    await loop.stop();
    t.deepEqual(loop.failures, []);
    t.is(loop.serials.at(-1), pki.serial('renewed'));
    t.is(published.length, 1, 'a renewed certificate is not reported');

    writeFileSync(key, 'not a key');
    await t.throwsAsync(server.reloadCertificates!(), { message: /old ones go on/ });
    t.is(await python(server.port, '1.2', 'client'), `${pki.serial('renewed')} received hello`);
  } finally {
    diagnostics.unsubscribe(CERTIFICATE_CHANNEL, onMessage);
    await server.close();
  }
});

test.serial('TCPGetPeerCertificate on an accepted connection names the verified client; none sent: -1021', async (t) => {
  const server = listen({ clientca: pki.cacerts, verifyclient: 1 });
  try {
    t.is(await python(server.port, '1.3', 'client'), `${serverSerial} received hello`);
    t.is(await python(server.port, '1.3'), `${serverSerial} received hello`, 'verifyclient 1: a client without one is let in');
    await waitFor(() => server.certificates.length === 2, 'both clients accepted');
    const [withCert, without] = server.certificates as [{ subject: Record<string, string>; issuer: Record<string, string>; verified: boolean; pem: string }, number];
    t.is(withCert.subject.CN, 'good client');
    t.is(withCert.issuer.CN, 'tcp-commands Server Test CA');
    t.true(withCert.verified);
    t.true(withCert.pem.startsWith('-----BEGIN CERTIFICATE-----'));
    t.is(without, ErrorCode.TlsError, 'the client sent no certificate');
  } finally {
    server.stop();
  }
});

test.serial('a listener\'s policy: tlsminversion, ciphers and alpn apply to its handshakes', async (t) => {
  const server = listen({ tlsminversion: 'TLSv1.3', alpn: 'h2,http/1.1' });
  try {
    t.is(TCPGetOption(server.listener, 'tlsminversion'), 'TLSv1.3');
    t.is(TCPGetOption(server.listener, 'alpn'), 'h2,http/1.1');
    const old = await sClient(server.port, ['-tls1_2', '-ign_eof']);
    t.false(old.includes('hello'), 'a TLS 1.2 client is refused');
    const h2 = await sClient(server.port, ['-tls1_3', '-alpn', 'h2', '-ign_eof']);
    t.regex(h2, /ALPN protocol: h2/);
    t.true(h2.includes('hello'));
    const http = await sClient(server.port, ['-tls1_3', '-alpn', 'spdy/1,http/1.1', '-ign_eof']);
    t.regex(http, /ALPN protocol: http\/1\.1/, 'the listener takes the one it accepts');
  } finally {
    server.stop();
  }
  const suites = listen({ ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' });
  try {
    const other = await sClient(suites.port, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256', '-ign_eof']);
    t.false(other.includes('hello'), 'a client offering only another suite is refused');
    const same = await sClient(suites.port, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384', '-ign_eof']);
    t.regex(same, /Cipher is ECDHE-RSA-AES256-GCM-SHA384/);
    t.true(same.includes('hello'));
    t.is(TCPSetOption(suites.listener, 'ciphers', 'NO-SUCH-SUITE'), ErrorCode.TlsError, 'a list OpenSSL does not know');
    t.regex(WebDevGetSecureError(), /no cipher of the list/);
    t.is(TCPGetOption(suites.listener, 'ciphers'), 'ECDHE-RSA-AES256-GCM-SHA384', 'the old list stays');
    t.is(TCPSetOption(suites.listener, 'tlsminversion', 'SSLv3'), ErrorCode.InvalidArgument);
  } finally {
    suites.stop();
  }
});
