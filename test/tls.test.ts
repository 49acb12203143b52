// TLS: verified client connections against real openssl s_server processes, the
// certs/cacerts trust store (PEM, DER, junk, changes), a 16 MiB transfer through a
// Python ssl peer, and our own TLS listener serving openssl s_client.
import test from 'ava';
import { createHash, randomFillSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import {
  ErrorCode,
  TCPAccept,
  TCPBind,
  TCPBlock,
  TCPClose,
  TCPConnect,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetRemoteAddr,
  TCPListen,
  TCPReceive,
  TCPSend,
  TCPSetOption,
  TCPSetTrustStore,
  TCPSocket,
  WebDevGetSecureError,
} from '../src/index.js';
import { loadTrustStore } from '../src/tls/trust-store.js';
import { makeTestPki } from './helpers/certs.js';
import { runSClient, startSServer } from './helpers/openssl.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveExactly, receiveUntilClosed } from './helpers/receive.js';
import { until } from './helpers/wait-for.js';

const pki = makeTestPki();

/** A trust folder holding the given files of the test PKI (and anything else given). */
function trustFolder(files: string[], extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-cacerts-'));
  for (const file of files) copyFileSync(pki.file(file), join(dir, file));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

const pemFolder = trustFolder(['ca.pem']);
const derFolder = trustFolder(['ca.der']);
const emptyFolder = trustFolder([]);

// Trust-store changes are process-wide: these tests run one at a time.
test.serial('verify ok with our CA in the trust folder, as PEM and as DER; data both ways', async (t) => {
  const server = await startSServer(pki.file('server.pem'), pki.file('server.key'), 'from s_server\n');
  try {
    for (const folder of [pemFolder, derFolder]) {
      t.is(TCPSetTrustStore(folder, true), 1);
      for (const host of ['localhost', '127.0.0.1']) {
        const s = TCPConnect(host, server.port, true);
        t.true(s > 0, `${host} via ${folder}: ${s} ${WebDevGetSecureError()}`);
        t.is(TCPGetOption(s, 'secure'), 1);
        t.regex(String(TCPGetOption(s, 'tlsversion')), /^TLSv1\.[23]$/);
        t.regex(String(TCPGetOption(s, 'peercert')), /CN=localhost/);
        t.is(TCPGetRemoteAddr(s), '127.0.0.1');
        t.is(TCPSend(s, `hello from ${host}\n`), `hello from ${host}\n`.length);
        TCPClose(s);
      }
    }
    // s_server printed what it received, and sent its stdin to the first client.
    await until(() => server.output().includes('hello from 127.0.0.1'), 5000);
    t.true(server.output().includes('hello from localhost'));
    t.true(server.output().includes('hello from 127.0.0.1'));
  } finally {
    await server.stop();
  }
});

test.serial('receiving from s_server over TLS', async (t) => {
  t.is(TCPSetTrustStore(pemFolder, true), 1);
  const server = await startSServer(pki.file('server.pem'), pki.file('server.key'), 'line one\nline two\n');
  try {
    const s = TCPConnect('localhost', server.port, true);
    t.true(s > 0, WebDevGetSecureError());
    const text = { value: '' };
    let got = '';
    while (got.length < 'line one\nline two\n'.length) {
      const n = TCPReceive(s, text);
      t.true(n > 0);
      got += text.value;
    }
    t.is(got, 'line one\nline two\n');
    t.is(TCPClose(s), 0);
  } finally {
    await server.stop();
  }
});

test.serial('unknown CA, expired, wrong name, self-signed: -1021 with a useful text; all fine with verify = false', async (t) => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['unknown CA', 'server', emptyFolder, /does not lead to a trusted CA/],
    ['expired', 'expired', pemFolder, /expired/],
    ['wrong name', 'wrong-name', pemFolder, /not for this host name/],
    ['self-signed', 'self-signed', pemFolder, /self-signed/],
  ];
  for (const [what, cert, folder, reason] of cases) {
    TCPSetTrustStore(folder, true);
    const server = await startSServer(pki.file(`${cert}.pem`), pki.file(`${cert}.key`));
    try {
      t.is(TCPConnect('localhost', server.port, true), ErrorCode.TlsError, what);
      t.regex(WebDevGetSecureError(), reason, what);
      const unverified = TCPConnect('localhost', server.port, true, false);
      t.true(unverified > 0, `${what} with verify = false: ${unverified} ${WebDevGetSecureError()}`);
      t.is(TCPSend(unverified, 'still encrypted\n'), 16);
      t.is(TCPClose(unverified), 0);
    } finally {
      await server.stop();
    }
  }
});

test.serial('an IP literal is checked against the IP SANs', async (t) => {
  TCPSetTrustStore(pemFolder, true);
  // wrong-name.pem has no IP SAN: verified by name it fails, and by address too.
  const server = await startSServer(pki.file('wrong-name.pem'), pki.file('wrong-name.key'));
  try {
    t.is(TCPConnect('127.0.0.1', server.port, true), ErrorCode.TlsError);
    t.regex(WebDevGetSecureError(), /IP: 127\.0\.0\.1 is not in the cert's list/);
  } finally {
    await server.stop();
  }
});

test.serial('a junk file in the trust folder does not break loading, and is reported', async (t) => {
  const folder = trustFolder(['ca.pem'], { 'junk.txt': 'this is not a certificate', 'README.md': '# notes' });
  t.is(TCPSetTrustStore(folder, true), 1, 'the CA still loads');
  const store = loadTrustStore(folder);
  t.deepEqual(store.problems.map((p) => p.file), ['junk.txt'], 'README.md is documentation, not a problem');
  const server = await startSServer(pki.file('server.pem'), pki.file('server.key'));
  try {
    const s = TCPConnect('localhost', server.port, true);
    t.true(s > 0, WebDevGetSecureError());
    TCPClose(s);
  } finally {
    await server.stop();
  }
});

test.serial('the trust store is re-read when its folder changes', async (t) => {
  const folder = trustFolder([]);
  t.is(TCPSetTrustStore(folder, true), 0);
  const server = await startSServer(pki.file('server.pem'), pki.file('server.key'));
  try {
    t.is(TCPConnect('localhost', server.port, true), ErrorCode.TlsError);
    copyFileSync(pki.file('ca.pem'), join(folder, 'dropped-in.pem'));
    const s = TCPConnect('localhost', server.port, true);
    t.true(s > 0, `no reload command needed: ${WebDevGetSecureError()}`);
    TCPClose(s);
  } finally {
    await server.stop();
  }
});

test.serial('bundles, EC certificates and node roots: what the store reads', (t) => {
  const store = loadTrustStore(trustFolder(['ca.pem'], { 'bundle.pem': pki.caPem + pki.caPem }));
  t.is(store.certificates.length, 3, 'every block of a bundle');
  t.true(store.certificates.every((c) => c.isCA && /tcp-commands Test CA/.test(c.subject)));
  // Node's own bundle holds EC roots that node-forge cannot read: the fallback reads them.
  const roots = mkdtempSync(join(tmpdir(), 'tcp-roots-'));
  writeFileSync(join(roots, 'node-roots.pem'), rootCertificates.join('\n'));
  const all = loadTrustStore(roots);
  t.is(all.problems.length, 0);
  t.true(all.certificates.length > 100);
  t.true(TCPSetTrustStore(emptyFolder, false) === 0, 'with node roots, an empty folder is fine');
  t.is(TCPSetTrustStore(join(tmpdir(), 'no-such-folder-here')), ErrorCode.InvalidArgument);
});

test.serial('16 MiB each way over TLS through a Python ssl peer, checksummed', async (t) => {
  TCPSetTrustStore(pemFolder, true);
  const tls = ['--tls', pki.file('server.pem'), pki.file('server.key')];
  const sink = await startPythonPeer('sink', ...tls);
  const source = await startPythonPeer('source', ...tls);
  try {
    const size = 16 * 1024 * 1024;
    const data = randomFillSync(new Uint8Array(size));
    const s = TCPConnect('localhost', sink.port, true);
    t.true(s > 0, WebDevGetSecureError());
    t.is(TCPSend(s, data), size);
    t.is(TCPClose(s, 1), 0, 'half-close over TLS: close_notify and FIN');
    const [digest, count] = receiveUntilClosed(s).trim().split(' ');
    t.is(Number(count), size);
    t.is(digest, createHash('sha256').update(data).digest('hex'));
    TCPClose(s);

    const r = TCPConnect('localhost', source.port, true);
    TCPSend(r, `${size}\n`);
    const all = receiveExactly(r, size + 32);
    t.is(Buffer.from(all.subarray(size)).toString('hex'), createHash('sha256').update(all.subarray(0, size)).digest('hex'));
    t.is(TCPReceive(r, new Uint8Array(4)), 0);
    TCPClose(r);
  } finally {
    await sink.stop();
    await source.stop();
  }
});

test.serial('TLS sockets: non-blocking receive; half-close and abort as s_server sees them', async (t) => {
  TCPSetTrustStore(pemFolder, true);
  const echo = await startPythonPeer('echo', '--tls', pki.file('server.pem'), pki.file('server.key'));
  try {
    const s = TCPConnect('localhost', echo.port, true);
    t.true(s > 0);
    t.is(TCPBlock(s, 1), 0);
    t.is(TCPReceive(s, new Uint8Array(8)), ErrorCode.WouldBlock, 'receives follow TCPBlock');
    t.is(TCPSend(s, 'always blocking'), 15, 'sends on TLS always block, and send it all');
    let n = ErrorCode.WouldBlock as number;
    const buffer = new Uint8Array(32);
    while (n === ErrorCode.WouldBlock) n = TCPReceive(s, buffer);
    t.true(n > 0);
    TCPClose(s);
  } finally {
    await echo.stop();
  }
  // s_server tells a clean end (close_notify, FIN: "DONE") from a reset ("ERROR").
  for (const [option, seen] of [[1, 'DONE'], [2, 'ERROR']] as const) {
    const server = await startSServer(pki.file('server.pem'), pki.file('server.key'));
    try {
      const s = TCPConnect('localhost', server.port, true);
      t.is(TCPSend(s, 'bye\n'), 4);
      t.is(TCPClose(s, option), 0);
      await until(() => server.output().includes(`bye\n${seen}`), 5000);
      t.true(server.output().includes(`bye\n${seen}`), `option ${option}: ${server.output()}`);
      if (option === 1) t.is(TCPClose(s), 0);
    } finally {
      await server.stop();
    }
  }
});

test.serial('secure options on a plain socket: -1014', async (t) => {
  const plain = await startPythonPeer('echo');
  try {
    const p = TCPConnect('127.0.0.1', plain.port);
    t.is(TCPGetOption(p, 'secure'), 0);
    t.is(TCPGetOption(p, 'tlsversion'), ErrorCode.NotSecure);
    t.is(TCPGetOption(p, 'cipher'), ErrorCode.NotSecure);
    t.is(TCPGetOption(p, 'peercert'), ErrorCode.NotSecure);
    t.is(TCPSetOption(p, 'tlsversion', 'TLSv1.3'), ErrorCode.InvalidArgument, 'read-only');
    TCPClose(p);
  } finally {
    await plain.stop();
  }
});

test.serial('our TLS listener serves openssl s_client; a failed handshake is that client’s -1021 only', async (t) => {
  const listener = TCPSocket();
  TCPSetOption(listener, 'address', '127.0.0.1');
  t.is(TCPSetOption(listener, 'cert', pki.file('server.pem')), 0);
  t.is(TCPSetOption(listener, 'key', pki.file('server.key')), 0);
  t.is(TCPGetOption(listener, 'secure'), 1);
  t.is(TCPBind(listener, 0), 0);
  t.is(TCPListen(listener), 0);
  const port = TCPGetMyPort(listener);

  // A client that does not trust our CA aborts the handshake.
  const distrustful = runSClient(port, pki.file('self-signed.pem'), '');
  t.is(TCPAccept(listener), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /unknown ca|alert/i);
  t.not((await distrustful.done).code, 0);

  // The listener goes on: the next client trusts our CA and is served.
  const client = runSClient(port, pki.file('ca.pem'), 'hello from s_client\n');
  const s = TCPAccept(listener);
  t.true(s > 0, WebDevGetSecureError());
  t.is(TCPGetOption(s, 'secure'), 1);
  const request = { value: '' };
  let got = '';
  while (!got.endsWith('\n')) {
    t.true(TCPReceive(s, request) > 0);
    got += request.value;
  }
  t.is(got, 'hello from s_client\n');
  t.is(TCPSend(s, 'hello from our TLS listener\n'), 28);
  t.is(TCPClose(s), 0);
  const result = await client.done;
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, 'hello from our TLS listener\n');
  TCPClose(listener);
});

test.serial('a certificate without its key, or a bad file, is -1021 with the reason', (t) => {
  const s = TCPSocket();
  t.is(TCPSetOption(s, 'cert', pki.file('server.pem')), 0);
  t.is(TCPSetOption(s, 'key', pki.file('ca.pem')), ErrorCode.TlsError, 'a certificate is no key');
  t.regex(WebDevGetSecureError(), /do not make a TLS server/);
  t.is(TCPSetOption(s, 'key', 'no-such-file.key'), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /cannot read the key file/);
  t.is(TCPGetOption(s, 'secure'), 0);
  TCPClose(s);
});

