/**
 * 64-byte ping-pong: one request out, the same bytes back, against an echo server in
 * another process. Three clients in the same run: our blocking TCPSend + TCPReceive, a
 * raw async node:net client, and a Python blocking-socket client; and the floor, a
 * busy-polling C client (peers/pingpong-floor.c), where a C compiler is installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TCPClose, TCPConnect, TCPReceive, TCPSend } from '../src/index.js';
import { median } from './stats.js';

export const SIZE = 64;

/** Median round trip of our blocking commands, in microseconds. */
export function oursPingPong(port: number, roundTrips: number): number {
  return oursRoundTrips(TCPConnect('127.0.0.1', port), roundTrips);
}

/** Median round trip of our blocking commands on a connected socket (closed after), in microseconds. */
export function oursRoundTrips(s: number, roundTrips: number): number {
  return median(oursRoundTripSamples(s, roundTrips)) / 1000;
}

/** Each round trip of our blocking commands on a connected socket (closed after), in nanoseconds. */
export function oursRoundTripSamples(s: number, roundTrips: number): number[] {
  if (s < 0) throw new Error(`TCPConnect gave ${s}`);
  const out = new Uint8Array(SIZE);
  const back = new Uint8Array(SIZE);
  const samples = new Array<number>(roundTrips);
  for (let i = 0; i < roundTrips; i++) {
    const start = process.hrtime.bigint();
    TCPSend(s, out);
    let got = 0;
    while (got < SIZE) {
      const n = TCPReceive(s, back.subarray(got));
      if (n <= 0) throw new Error(`TCPReceive gave ${n}`);
      got += n;
    }
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  TCPClose(s);
  return samples;
}

/** Median round trip of a raw async node:net client, in microseconds. */
export function nodeNetPingPong(port: number, roundTrips: number): Promise<number> {
  return nodeNetRoundTrips(net.connect({ port, host: '127.0.0.1', noDelay: true }), roundTrips);
}

/** Median round trip of a raw async node:net client on a socket being connected (destroyed after), in microseconds. */
export async function nodeNetRoundTrips(socket: net.Socket, roundTrips: number): Promise<number> {
  return median(await nodeNetRoundTripSamples(socket, roundTrips)) / 1000;
}

/**
 * Each round trip of a raw async client on a socket being connected (destroyed after), in
 * nanoseconds; `ready` is the event it starts on ('secureConnect' for a node:tls socket).
 */
export function nodeNetRoundTripSamples(socket: net.Socket, roundTrips: number, ready = 'connect'): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const out = Buffer.alloc(SIZE);
    const samples = new Array<number>(roundTrips);
    let done = 0;
    let got = 0;
    let start = 0n;
    const next = (): void => {
      got = 0;
      start = process.hrtime.bigint();
      socket.write(out);
    };
    socket.on('data', (chunk) => {
      got += chunk.length;
      if (got < SIZE) return;
      samples[done++] = Number(process.hrtime.bigint() - start);
      if (done === roundTrips) {
        socket.destroy();
        resolve(samples);
      } else {
        next();
      }
    });
    socket.once('error', reject);
    socket.once(ready, next);
  });
}

/** Median round trip of a Python blocking-socket client process, in microseconds. */
export function pythonPingPong(port: number, roundTrips: number): Promise<number> {
  const script = new URL('./peers/pingpong_client.py', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, String(port), String(roundTrips), String(SIZE)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out) / 1000) : reject(new Error(`python exited ${code}`))));
  });
}

/**
 * The ping-pong floor (peers/pingpong-floor.c: a busy-polling C client), or undefined
 * where no C compiler is installed. Compiled once per bench run into the temp folder.
 */
let floorBinary: string | undefined | null = null;
export function floorPingPong(port: number, roundTrips: number): number | undefined {
  if (floorBinary === null) {
    const out = join(tmpdir(), `tcp-commands-pingpong-floor-${process.pid}`);
    const source = new URL('./peers/pingpong-floor.c', import.meta.url).pathname;
    floorBinary = spawnSync('cc', ['-O2', '-o', out, source]).status === 0 ? out : undefined;
  }
  if (floorBinary === undefined) return undefined;
  const run = spawnSync(floorBinary, [String(port), String(roundTrips)], { encoding: 'utf8' });
  return run.status === 0 ? Number(run.stdout) : undefined;
}
