/**
 * Bulk transfer: 256 MiB in 64 KiB calls, each way, against a Python bulk server in
 * another process. Ours (TCPSend / TCPReceive with Uint8Array buffers), raw node:net
 * streaming (write with back-pressure / 'data' events) and Python sendall / recv_into,
 * each of those two in a process of its own.
 * Figures in MiB/s; a send counts until the sink has confirmed every byte.
 */
import { spawn } from 'node:child_process';
import { TCPClose, TCPConnect, TCPReceive, TCPSend } from '../src/index.js';

export const BULK_BYTES = 256 * 1024 * 1024;
const CALL = 64 * 1024;
const MiB = 1024 * 1024;

function fail(what: string, result: number): never {
  throw new Error(`${what} gave ${result}`);
}

export function oursSend(port: number, bytes = BULK_BYTES): number {
  const s = TCPConnect('127.0.0.1', port);
  if (s < 0) fail('TCPConnect', s);
  TCPSend(s, 'SINK\n');
  const chunk = new Uint8Array(CALL);
  const start = performance.now();
  for (let sent = 0; sent < bytes; sent += CALL) {
    const n = TCPSend(s, chunk);
    if (n !== CALL) fail('TCPSend', n);
  }
  TCPClose(s, 1);
  const answer = { value: '' };
  let text = '';
  while (!text.includes('\n') && TCPReceive(s, answer) > 0) text += answer.value;
  const elapsed = performance.now() - start;
  TCPClose(s);
  if (Number(text) !== bytes) throw new Error(`the sink got ${text}`);
  return bytes / MiB / (elapsed / 1000);
}

export function oursReceive(port: number, bytes = BULK_BYTES): number {
  const s = TCPConnect('127.0.0.1', port);
  if (s < 0) fail('TCPConnect', s);
  TCPSend(s, `SOURCE ${bytes}\n`);
  const buffer = new Uint8Array(CALL);
  let total = 0;
  const start = performance.now();
  for (;;) {
    const n = TCPReceive(s, buffer);
    if (n < 0) fail('TCPReceive', n);
    if (n === 0) break;
    total += n;
  }
  const elapsed = performance.now() - start;
  TCPClose(s);
  if (total !== bytes) throw new Error(`received ${total}`);
  return bytes / MiB / (elapsed / 1000);
}

/** Raw node:net, in a process of its own (peers/node-bulk-client.mjs says why). */
export function nodeNetSend(port: number, bytes = BULK_BYTES): Promise<number> {
  return peerBulk(process.execPath, ['node-bulk-client.mjs', 'send', port, bytes]);
}

export function nodeNetReceive(port: number, bytes = BULK_BYTES): Promise<number> {
  return peerBulk(process.execPath, ['node-bulk-client.mjs', 'receive', port, bytes]);
}

export function pythonBulk(mode: 'send' | 'receive', port: number, bytes = BULK_BYTES): Promise<number> {
  return peerBulk('python3', ['bulk_client.py', mode, port, bytes]);
}

/** Runs a bulk client of peers/ (script first) and resolves with the MiB/s it prints. */
export function peerBulk(program: string, [script, ...args]: [string, ...(string | number)[]]): Promise<number> {
  const path = new URL(`./peers/${script}`, import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [path, ...args.map(String)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`${script}: ${err}`))));
  });
}
