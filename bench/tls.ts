/**
 * TLS figures (issue 26): a 64-byte ping-pong and a bulk transfer each way over TLS, ours
 * against node:tls and Python's ssl, all against the same Python threaded ssl server
 * (peers/tls_server.py) holding a certificate of the test PKI (test/helpers/certs.ts, made
 * at start, never committed). Every client verifies the server against that CA for
 * 127.0.0.1. Our TLS sockets stay on the engine path: the bytes on the descriptor are
 * ciphertext, so no direct call can read or write them; each TCPSend and TCPReceive is a
 * round trip to the engine thread, where node's tls encrypts and decrypts.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import { TCPClose, TCPConnect, TCPReceive, TCPSend, TCPSetTrustStore, WebDevGetSecureError } from '../src/index.js';
import { makeTestPki } from '../test/helpers/certs.js';
import { peerBulk } from './bulk.js';
import { nodeNetRoundTripSamples, oursRoundTripSamples, SIZE } from './pingpong.js';
import { summary } from './stats.js';

const CALL = 64 * 1024;
const MiB = 1024 * 1024;

export interface TlsPeer {
  port: number;
  /** The CA file every client verifies the server against. */
  caFile: string;
  stop(): void;
}

/** Median, mean and p99 of one client's round trips, in microseconds. */
export type RoundTrips = ReturnType<typeof summary>;

let pki: ReturnType<typeof makeTestPki> | undefined;

/**
 * The Python ssl server in `mode` (echo or bulk), and our trust store made the test CA's
 * alone (TCPSetTrustStore: process-wide, as a verified TCPConnect needs).
 */
export async function startTlsPeer(mode: 'echo' | 'bulk'): Promise<TlsPeer> {
  pki ??= makeTestPki();
  const trust = mkdtempSync(join(tmpdir(), 'tcp-bench-cacerts-'));
  copyFileSync(pki.file('ca.pem'), join(trust, 'ca.pem'));
  if (TCPSetTrustStore(trust, true) !== 1) throw new Error('TCPSetTrustStore did not read the test CA');
  const script = new URL('./peers/tls_server.py', import.meta.url).pathname;
  const server = spawn('python3', [script, mode, pki.file('server.pem'), pki.file('server.key')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: server.stdout }).once('line', (line) => resolve(Number(line)));
    server.once('exit', (code) => reject(new Error(`tls_server.py exited ${code}`)));
  });
  return { port, caFile: pki.file('ca.pem'), stop: () => server.kill() };
}

function secureConnect(port: number): number {
  const s = TCPConnect('127.0.0.1', port, true); // verified (the default) against the test CA
  if (s < 0) throw new Error(`secure TCPConnect gave ${s}: ${WebDevGetSecureError()}`);
  return s;
}

/** Our blocking TCPSend + TCPReceive over TLS (the engine path). */
export function oursTlsPingPong(port: number, roundTrips: number): RoundTrips {
  return summary(oursRoundTripSamples(secureConnect(port), roundTrips), 1000);
}

/** A raw async node:tls client in this process (as the plain figure's node:net client). */
export async function nodeTlsPingPong(peer: TlsPeer, roundTrips: number): Promise<RoundTrips> {
  const socket = tls.connect({ port: peer.port, host: '127.0.0.1', ca: readFileSync(peer.caFile) });
  socket.setNoDelay(true);
  return summary(await nodeNetRoundTripSamples(socket, roundTrips, 'secureConnect'), 1000);
}

/** A Python blocking ssl-socket client process (peers/tls_pingpong_client.py). */
export function pythonTlsPingPong(peer: TlsPeer, roundTrips: number): Promise<RoundTrips> {
  const script = new URL('./peers/tls_pingpong_client.py', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, String(peer.port), String(roundTrips), String(SIZE), peer.caFile]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`tls_pingpong_client.py exited ${code}`));
      const [median, mean, p99] = out.trim().split(/\s+/).map((v) => Number(v) / 1000);
      resolve({ median: median!, mean: mean!, p99: p99! });
    });
  });
}

/** Our bulk send over TLS, in MiB/s until the sink confirmed every byte ("SINK n": TLS cannot half-close). */
export function oursTlsSend(port: number, bytes: number): number {
  const s = secureConnect(port);
  TCPSend(s, `SINK ${bytes}\n`);
  const chunk = new Uint8Array(CALL);
  const start = performance.now();
  for (let sent = 0; sent < bytes; sent += CALL) {
    const n = TCPSend(s, chunk);
    if (n !== CALL) throw new Error(`TCPSend gave ${n}`);
  }
  const answer = { value: '' };
  let text = '';
  while (!text.includes('\n') && TCPReceive(s, answer) > 0) text += answer.value;
  const elapsed = performance.now() - start;
  TCPClose(s);
  if (Number(text) !== bytes) throw new Error(`the sink got ${text}`);
  return bytes / MiB / (elapsed / 1000);
}

/** Our bulk receive over TLS in 64 KiB calls, in MiB/s. */
export function oursTlsReceive(port: number, bytes: number): number {
  const s = secureConnect(port);
  TCPSend(s, `SOURCE ${bytes}\n`);
  const buffer = new Uint8Array(CALL);
  let total = 0;
  const start = performance.now();
  for (;;) {
    const n = TCPReceive(s, buffer);
    if (n < 0) throw new Error(`TCPReceive gave ${n}`);
    if (n === 0) break;
    total += n;
  }
  const elapsed = performance.now() - start;
  TCPClose(s);
  if (total !== bytes) throw new Error(`received ${total}`);
  return bytes / MiB / (elapsed / 1000);
}

/** node:tls (peers/node-bulk-client.mjs with the CA) or Python ssl (peers/bulk_client.py), each in a process of its own. */
export function peerTlsBulk(client: 'node' | 'python', mode: 'send' | 'receive', peer: TlsPeer, bytes: number): Promise<number> {
  return client === 'node'
    ? peerBulk(process.execPath, ['node-bulk-client.mjs', mode, peer.port, bytes, peer.caFile])
    : peerBulk('python3', ['bulk_client.py', mode, peer.port, bytes, peer.caFile]);
}
