// The client side of mutual TLS and the TLS policy (issue 25), against real peers:
// openssl s_server -Verify 1 -verify_return_error, a Python ssl server with CERT_REQUIRED
// (also over STARTTLS), and Debian's nginx with ssl_verify_client on. Certificates are made
// with the openssl command line (test/helpers/client-pki.ts). Socket 0's settings belong
// to the thread, and the trust store to the process: every test runs serially and leaves
// the settings as it found them.
import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCode,
  TCPAccept,
  TCPBind,
  TCPClose,
  TCPConnect,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetPeerCertificate,
  TCPListen,
  TCPReceiveUntil,
  TCPSend,
  TCPSetOption,
  TCPSetTrustStore,
  TCPSocket,
  TCPStartTLS,
  WebDevGetSecureError,
  connectAsync,
  type PeerCertificate,
} from '../src/index.js';
import { makeClientPki } from './helpers/client-pki.js';
import { NGINX, startNginx } from './helpers/nginx.js';
import { startSServer, type SServer } from './helpers/openssl.js';
import { startMtlsPeer } from './helpers/peers.js';
import { receiveUntilClosed } from './helpers/receive.js';
import { waitFor } from './helpers/wait-for.js';

const pki = makeClientPki();
const trust = mkdtempSync(join(tmpdir(), 'tcp-mtls-trust-'));
copyFileSync(pki.file('ca.pem'), join(trust, 'ca.pem'));

test.before(() => {
  TCPSetTrustStore(trust, true);
});

/** Socket 0's TLS settings back to none. */
function resetClientTls(): void {
  for (const name of ['pfx', 'cert', 'key', 'passphrase', 'ciphers', 'alpn']) TCPSetOption(0, name, '');
  TCPSetOption(0, 'tlsminversion', 'TLSv1.2');
}
test.afterEach.always(resetClientTls);

/** This thread presents client.pem / client.key. */
function presentClient(): void {
  resetClientTls();
  if (TCPSetOption(0, 'cert', pki.file('client.pem')) !== 0 || TCPSetOption(0, 'key', pki.file('client.key')) !== 0) {
    throw new Error(WebDevGetSecureError());
  }
}

/** s_server requiring a client certificate of our CA (it sends `send` to its first client). */
function verifyingSServer(send = 'hello client\n', extra: string[] = []): Promise<SServer> {
  return startSServer(pki.file('server.pem'), pki.file('server.key'), send, ['-Verify', '1', '-verify_return_error', '-CAfile', pki.file('ca.pem'), ...extra]);
}

function line(socket: number): string | number {
  const holder = { value: '' };
  const result = TCPReceiveUntil(socket, holder, '\n');
  return result < 0 ? result : holder.value;
}

/** A line both ways with a verifying s_server, as the current settings present. */
async function exchangeWithSServer(t: import('ava').ExecutionContext, label: string): Promise<void> {
  const server = await verifyingSServer();
  try {
    const s = TCPConnect('localhost', server.port, true);
    t.true(s > 0, `${label}: ${s} ${WebDevGetSecureError()}`);
    t.is(line(s), 'hello client\n', label);
    t.is(TCPSend(s, `from ${label}\n`), `from ${label}\n`.length);
    await waitFor(() => server.output().includes(`from ${label}`), `s_server receives from ${label}`, 10_000);
    TCPClose(s);
  } finally {
    await server.stop();
  }
}

test.serial('set-time checks: a missing file, a key of another certificate, a wrong passphrase, a bad pfx, a bad cipher list give -1021 with the reason', (t) => {
  t.is(TCPSetOption(0, 'cert', join(pki.dir, 'no-such.pem')), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /cannot read the certificate file/);
  t.is(TCPSetOption(0, 'cert', pki.file('client.pem')), 0);
  t.is(TCPSetOption(0, 'key', pki.file('stranger.key')), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /does not match the certificate/);
  t.is(TCPGetOption(0, 'key'), '', 'the refused key is not kept');
  // An encrypted key: accepted while its passphrase is not set yet, refused with a wrong one.
  t.is(TCPSetOption(0, 'passphrase', 'wrong'), 0);
  t.is(TCPSetOption(0, 'key', pki.file('client-enc.key')), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /wrong passphrase/);
  t.is(TCPSetOption(0, 'passphrase', ''), 0);
  t.is(TCPSetOption(0, 'key', pki.file('client-enc.key')), 0);
  t.is(TCPSetOption(0, 'passphrase', 'wrong'), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /wrong passphrase/);
  t.is(TCPSetOption(0, 'passphrase', pki.passphrase), 0);
  t.is(TCPGetOption(0, 'passphrase'), '*');
  t.is(TCPGetOption(0, 'cert'), pki.file('client.pem'));
  t.is(TCPSetOption(0, 'cert', readFileSync(pki.file('client.pem'), 'utf8')), 0);
  t.is(TCPGetOption(0, 'cert'), 'pem');
  // PKCS#12: its passphrase first.
  resetClientTls();
  t.is(TCPSetOption(0, 'passphrase', 'wrong'), 0);
  t.is(TCPSetOption(0, 'pfx', pki.file('client.p12')), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /wrong passphrase/);
  t.is(TCPSetOption(0, 'pfx', pki.file('client.pem')), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /cannot be read/);
  t.is(TCPSetOption(0, 'passphrase', pki.passphrase), 0);
  t.is(TCPSetOption(0, 'pfx', pki.file('client.p12')), 0, WebDevGetSecureError());
  t.is(TCPGetOption(0, 'pfx'), pki.file('client.p12'));
  t.is(TCPGetOption(0, 'cert'), 'pfx');
  t.is(TCPSetOption(0, 'ciphers', 'NO-SUCH-CIPHER'), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /NO-SUCH-CIPHER/);
  t.is(TCPSetOption(0, 'tlsminversion', 'TLSv1.1'), ErrorCode.InvalidArgument);
  t.is(TCPSetOption(0, 'tlsminversion', 'tlsv1.3'), 0);
  t.is(TCPGetOption(0, 'tlsminversion'), 'TLSv1.3');
  t.is(TCPSetOption(0, 'alpn', 'h2, http/1.1'), 0);
  t.is(TCPGetOption(0, 'alpn'), 'h2, http/1.1');
  t.is(TCPSetOption(0, 'alpn', 5), ErrorCode.WrongType);
});

test.serial('s_server -Verify 1 -verify_return_error accepts our client certificate (PEM files, an encrypted key, PKCS#12 with and without a passphrase, legacy and AES)', async (t) => {
  presentClient();
  await exchangeWithSServer(t, 'pem');
  t.is(TCPSetOption(0, 'passphrase', pki.passphrase), 0);
  t.is(TCPSetOption(0, 'key', pki.file('client-enc.key')), 0, WebDevGetSecureError());
  await exchangeWithSServer(t, 'encrypted key');
  resetClientTls();
  t.is(TCPSetOption(0, 'passphrase', pki.passphrase), 0);
  t.is(TCPSetOption(0, 'pfx', pki.file('client.p12')), 0, WebDevGetSecureError());
  await exchangeWithSServer(t, 'pfx');
  resetClientTls();
  t.is(TCPSetOption(0, 'passphrase', pki.passphrase), 0);
  t.is(TCPSetOption(0, 'pfx', pki.file('client-aes.p12')), 0, WebDevGetSecureError());
  await exchangeWithSServer(t, 'pfx of OpenSSL 3 defaults');
  resetClientTls();
  t.is(TCPSetOption(0, 'pfx', pki.file('client-nopass.p12')), 0, WebDevGetSecureError());
  await exchangeWithSServer(t, 'pfx without passphrase');
});

test.serial('connectAsync presents the thread\'s client certificate too', async (t) => {
  presentClient();
  const server = await verifyingSServer();
  try {
    const s = await connectAsync('localhost', server.port, true);
    t.true(s > 0, `${s} ${WebDevGetSecureError()}`);
    t.is(line(s), 'hello client\n');
    TCPClose(s);
  } finally {
    await server.stop();
  }
});

test.serial('without a certificate, or with one of another CA, s_server refuses: -1021 naming the alert, at TCPConnect (TLS 1.2) or the first receive (TLS 1.3), never a hang', async (t) => {
  for (const version of ['-tls1_3', '-tls1_2']) {
    const server = await verifyingSServer('hello client\n', [version]);
    try {
      for (const who of ['none', 'stranger']) {
        resetClientTls();
        if (who === 'stranger') {
          t.is(TCPSetOption(0, 'cert', pki.file('stranger.pem')), 0);
          t.is(TCPSetOption(0, 'key', pki.file('stranger.key')), 0);
        }
        const s = TCPConnect('localhost', server.port, true);
        const result = s > 0 ? line(s) : s;
        t.is(result, ErrorCode.TlsError, `${version} ${who}`);
        t.regex(WebDevGetSecureError(), who === 'none' ? /certificate required|handshake failure|client certificate/i : /unknown ca|does not trust/i, `${version} ${who}`);
        if (s > 0) {
          t.is(TCPSend(s, 'x'), ErrorCode.TlsError, 'a send after the alert: the same code');
          TCPClose(s);
        }
      }
    } finally {
      await server.stop();
    }
  }
});

test.serial('a Python ssl server with CERT_REQUIRED: our certificate over TLS and over TCPStartTLS; refused without it', async (t) => {
  for (const mode of ['tls', 'starttls'] as const) {
    const peer = await startMtlsPeer(mode, pki.file('server.pem'), pki.file('server.key'), pki.file('ca.pem'));
    try {
      for (const present of [true, false]) {
        if (present) presentClient();
        else resetClientTls();
        const s = TCPConnect('localhost', peer.port, mode === 'tls');
        t.true(s > 0, `${mode}: ${s} ${WebDevGetSecureError()}`);
        let result: number | string = 0;
        if (mode === 'starttls') {
          TCPSend(s, 'STARTTLS\n');
          t.is(line(s), 'GO\n');
          result = TCPStartTLS(s);
        }
        if (result === 0) result = line(s);
        if (present) {
          t.is(result, 'hello client one\n', mode);
          TCPSend(s, `ok ${mode}\n`);
          t.is(await peer.nextLine(), `GOT ok ${mode}`);
        } else {
          t.is(result, ErrorCode.TlsError, `${mode} without a certificate`);
          t.regex(await peer.nextLine(), /^REFUSED/);
        }
        TCPClose(s);
      }
    } finally {
      await peer.stop();
    }
  }
});

test.serial("TCPGetPeerCertificate: the server's certificate, kept after the peer closed; -1014 plain; -1021 when the peer sent none", async (t) => {
  const server = await startSServer(pki.file('server.pem'), pki.file('server.key'), 'bye\n');
  try {
    const s = TCPConnect('127.0.0.1', server.port, true);
    t.true(s > 0, WebDevGetSecureError());
    t.is(line(s), 'bye\n');
    await server.stop(); // the peer is gone: what we read was kept from the handshake
    const holder: { value?: unknown } = {};
    t.is(TCPGetPeerCertificate(s, holder), 0);
    const cert = holder.value as PeerCertificate;
    const x509 = new X509Certificate(readFileSync(pki.file('server.pem')));
    t.is(cert.subject.CN, 'localhost');
    t.is(cert.subject.O, 'tcp-commands tests');
    t.is(cert.issuer.CN, 'tcp-commands ca');
    t.deepEqual(cert.subjectAltNames, ['DNS:localhost', 'IP Address:127.0.0.1']);
    t.is(cert.serialNumber, x509.serialNumber);
    t.is(cert.fingerprint256, x509.fingerprint256);
    t.is(cert.validTo, new Date(x509.validTo).toISOString());
    t.is(cert.validFrom, new Date(x509.validFrom).toISOString());
    t.is(new X509Certificate(cert.pem).fingerprint256, x509.fingerprint256);
    t.true(cert.verified);
    TCPClose(s);
  } finally {
    await server.stop();
  }
  // verify false against a server of a CA we do not trust: the certificate, not verified.
  const stranger = await startSServer(pki.file('stranger.pem'), pki.file('stranger.key'));
  try {
    const s = TCPConnect('127.0.0.1', stranger.port, true, false);
    t.true(s > 0, WebDevGetSecureError());
    const holder = { value: '' as unknown };
    t.is(TCPGetPeerCertificate(s, holder), 0);
    t.is((holder.value as PeerCertificate).subject.CN, 'stranger');
    t.false((holder.value as PeerCertificate).verified);
    TCPClose(s);
  } finally {
    await stranger.stop();
  }
  // Our own TLS listener: its accepted socket's peer (a client without a certificate) sent none.
  const listener = TCPSocket();
  t.is(TCPSetOption(listener, 'cert', pki.file('server.pem')), 0);
  t.is(TCPSetOption(listener, 'key', pki.file('server.key')), 0);
  t.is(TCPBind(listener, 0), 0);
  t.is(TCPListen(listener), 0);
  const client = TCPConnect('localhost', TCPGetMyPort(listener), true);
  t.true(client > 0, WebDevGetSecureError());
  const accepted = TCPAccept(listener);
  t.true(accepted > 0);
  t.is(TCPGetPeerCertificate(accepted, {}), ErrorCode.TlsError);
  t.regex(WebDevGetSecureError(), /sent no certificate/);
  const plain = TCPConnect('127.0.0.1', TCPGetMyPort(listener));
  t.is(TCPGetPeerCertificate(plain, {}), ErrorCode.NotSecure);
  t.is(TCPGetPeerCertificate(client, Object.freeze({ value: '' })), ErrorCode.InvalidArgument);
  for (const socket of [plain, client, accepted, listener]) TCPClose(socket);
});

test.serial("tlsminversion 'TLSv1.3' refuses a TLS 1.2-only server; ciphers choose the suite; alpn reads back the server's choice", async (t) => {
  const tls12 = await startSServer(pki.file('server.pem'), pki.file('server.key'), '', ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256', '-alpn', 'h2,http/1.1']);
  try {
    const s = TCPConnect('localhost', tls12.port, true);
    t.true(s > 0, WebDevGetSecureError());
    t.is(TCPGetOption(s, 'tlsversion'), 'TLSv1.2');
    t.is(TCPGetOption(s, 'alpn'), '', 'none offered, none chosen');
    TCPClose(s);
    t.is(TCPSetOption(0, 'tlsminversion', 'TLSv1.3'), 0);
    t.is(TCPConnect('localhost', tls12.port, true), ErrorCode.TlsError);
    t.regex(WebDevGetSecureError(), /version|protocol/i);
    t.is(TCPSetOption(0, 'tlsminversion', 'TLSv1.2'), 0);
    t.is(TCPSetOption(0, 'ciphers', 'ECDHE-RSA-AES256-GCM-SHA384'), 0);
    t.is(TCPConnect('localhost', tls12.port, true), ErrorCode.TlsError, 'no common cipher');
    t.regex(WebDevGetSecureError(), /handshake failure|cipher/i);
    t.is(TCPSetOption(0, 'ciphers', 'ECDHE-RSA-AES128-GCM-SHA256'), 0);
    t.is(TCPSetOption(0, 'alpn', 'h2,http/1.1'), 0);
    const chosen = TCPConnect('localhost', tls12.port, true);
    t.true(chosen > 0, WebDevGetSecureError());
    t.is(TCPGetOption(chosen, 'cipher'), 'ECDHE-RSA-AES128-GCM-SHA256');
    t.is(TCPGetOption(chosen, 'alpn'), 'h2');
    t.is(TCPSetOption(chosen, 'alpn', 'h2'), ErrorCode.InvalidArgument, 'set on socket 0 only');
    TCPClose(chosen);
    const plain = TCPConnect('localhost', tls12.port);
    t.is(TCPGetOption(plain, 'alpn'), ErrorCode.NotSecure);
    TCPClose(plain);
  } finally {
    await tls12.stop();
  }
});

test.serial('nginx with ssl_verify_client on: 200 with our certificate, 400 without', async (t) => {
  if (!existsSync(NGINX)) return t.pass('no nginx here');
  const nginx = await startNginx(pki.file('server.pem'), pki.file('server.key'), pki.file('ca.pem'));
  const get = (): string => {
    const s = TCPConnect('localhost', nginx.port, true);
    if (s < 0) return `connect ${s} ${WebDevGetSecureError()}`;
    TCPSend(s, 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n');
    const reply = receiveUntilClosed(s);
    TCPClose(s);
    return reply;
  };
  try {
    presentClient();
    const withCert = get();
    t.regex(withCert, /^HTTP\/1\.1 200/);
    t.regex(withCert, /hello .*CN=client one/);
    resetClientTls();
    t.regex(get(), /^HTTP\/1\.1 400/);
  } finally {
    await nginx.stop();
  }
});
