/**
 * Bulk transfer: 256 MiB in 64 KiB calls, each way, against a Python bulk server in
 * another process. Ours (TCPSend / TCPReceive with Uint8Array buffers), raw node:net
 * streaming (write with back-pressure / 'data' events), Python sendall / recv_into.
 * Figures in MiB/s; a send counts until the sink has confirmed every byte.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
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

export function nodeNetSend(port: number, bytes = BULK_BYTES): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      socket.write('SINK\n');
      const chunk = Buffer.alloc(CALL);
      let sent = 0;
      const start = performance.now();
      const pump = (): void => {
        while (sent < bytes) {
          sent += CALL;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      let answer = '';
      socket.on('data', (d: Buffer) => {
        answer += d.toString();
        if (!answer.includes('\n')) return;
        const elapsed = performance.now() - start;
        socket.destroy();
        if (Number(answer) !== bytes) reject(new Error(`the sink got ${answer}`));
        else resolve(bytes / MiB / (elapsed / 1000));
      });
      pump();
    });
    socket.once('error', reject);
  });
}

export function nodeNetReceive(port: number, bytes = BULK_BYTES): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(`SOURCE ${bytes}\n`));
    let total = 0;
    const start = performance.now();
    socket.on('data', (d: Buffer) => (total += d.length));
    socket.once('end', () => {
      const elapsed = performance.now() - start;
      socket.destroy();
      if (total !== bytes) reject(new Error(`received ${total}`));
      else resolve(bytes / MiB / (elapsed / 1000));
    });
    socket.once('error', reject);
  });
}

export function pythonBulk(mode: 'send' | 'receive', port: number, bytes = BULK_BYTES): Promise<number> {
  const script = new URL('./peers/bulk_client.py', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, mode, String(port), String(bytes)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`python: ${err}`))));
  });
}
