/**
 * The handshake cost of a client certificate (issue 25): verified TLS connects per second
 * from one thread, each connect + the server's one byte + close, against a node:tls server
 * that does not ask for a certificate and against one that requires it (requestCert,
 * rejectUnauthorized, the CA of the client certificate). Both run on a worker thread of
 * this process (the commands block this one). Certificates are made with openssl.
 *
 *   npx tsx bench/tls-client-cert.ts [seconds per case, default 5]
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TCPClose, TCPConnect, TCPReceive, TCPSetOption, TCPSetTrustStore, WebDevGetSecureError } from '../src/index.js';
import { makeClientPki } from '../test/helpers/client-pki.js';

const seconds = Number(process.argv[2] ?? 5);
const pki = makeClientPki();
const trust = mkdtempSync(join(tmpdir(), 'tcp-bench-trust-'));
copyFileSync(pki.file('ca.pem'), join(trust, 'ca.pem'));
TCPSetTrustStore(trust, true);

// Two servers on a worker: [plain TLS, requiring a client certificate]; each sends one byte and ends.
const serverCode = `
const tls = require('node:tls');
const { parentPort, workerData } = require('node:worker_threads');
const ports = [];
let ready = 0;
for (const requestCert of [false, true]) {
  const server = tls.createServer({ ...workerData, requestCert, rejectUnauthorized: requestCert }, (socket) => socket.end('x'));
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1', () => {
    ports[requestCert ? 1 : 0] = server.address().port;
    if (++ready === 2) parentPort.postMessage(ports);
  });
}`;
const worker = new Worker(serverCode, {
  eval: true,
  workerData: { cert: readFileSync(pki.file('server.pem')), key: readFileSync(pki.file('server.key')), ca: readFileSync(pki.file('ca.pem')) },
});
const [plainPort, mutualPort] = await new Promise<number[]>((resolve) => worker.once('message', resolve));

/** Connects per second for `seconds`, each a verified TLS connect, one byte received, a close. */
function connectsPerSecond(port: number): number {
  const byte = new Uint8Array(1);
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    const s = TCPConnect('localhost', port, true);
    if (s < 0) throw new Error(`connect: ${s} ${WebDevGetSecureError()}`);
    if (TCPReceive(s, byte) !== 1) throw new Error(`receive failed on port ${port}`);
    TCPClose(s);
    count++;
  }
  return count / seconds;
}

const without = connectsPerSecond(plainPort!);
TCPSetOption(0, 'cert', pki.file('client.pem'));
TCPSetOption(0, 'key', pki.file('client.key'));
const presentedUnasked = connectsPerSecond(plainPort!);
const mutual = connectsPerSecond(mutualPort!);
console.log(`TLS connects per second from one thread (${seconds} s each, RSA 2048, TLS 1.3):`);
console.log(`  no client certificate:                        ${without.toFixed(0)}`);
console.log(`  client certificate set, server does not ask:  ${presentedUnasked.toFixed(0)}`);
console.log(`  client certificate required and verified:     ${mutual.toFixed(0)} (${((mutual / without) * 100).toFixed(0)}% of the first)`);
await worker.terminate();
