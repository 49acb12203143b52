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
import { median, summarize, type Summary } from './stats.js';

export const SIZE = 64;

/** Median round trip of our blocking commands, in microseconds. */
export function oursPingPong(port: number, roundTrips: number): number {
  return oursRoundTrips(TCPConnect('127.0.0.1', port), roundTrips);
}

/** Median, mean and p99 round trip of our blocking commands, in microseconds, after `warmUp` trips not counted. */
export function oursPingPongStats(port: number, roundTrips: number, warmUp = 0): Summary {
  return summarize(oursRoundTripSamples(TCPConnect('127.0.0.1', port), roundTrips, warmUp), 1000);
}

/** Median round trip of our blocking commands on a connected socket (closed after), in microseconds. */
export function oursRoundTrips(s: number, roundTrips: number): number {
  return median(oursRoundTripSamples(s, roundTrips)) / 1000;
}

/** Each round trip of our blocking commands on a connected socket (closed after), in nanoseconds, after `warmUp` not kept. */
export function oursRoundTripSamples(s: number, roundTrips: number, warmUp = 0): number[] {
  if (s < 0) throw new Error(`TCPConnect gave ${s}`);
  const out = new Uint8Array(SIZE);
  const back = new Uint8Array(SIZE);
  const samples = new Array<number>(roundTrips);
  for (let i = -warmUp; i < roundTrips; i++) {
    const start = process.hrtime.bigint();
    TCPSend(s, out);
    let got = 0;
    while (got < SIZE) {
      const n = TCPReceive(s, back.subarray(got));
      if (n <= 0) throw new Error(`TCPReceive gave ${n}`);
      got += n;
    }
    if (i >= 0) samples[i] = Number(process.hrtime.bigint() - start);
  }
  TCPClose(s);
  return samples;
}

/** Median round trip of a raw async node:net client, in microseconds. */
export function nodeNetPingPong(port: number, roundTrips: number): Promise<number> {
  return nodeNetRoundTrips(net.connect({ port, host: '127.0.0.1', noDelay: true }), roundTrips);
}

/** Median, mean and p99 round trip of a raw async node:net client, in microseconds, after `warmUp` trips not counted. */
export async function nodeNetPingPongStats(port: number, roundTrips: number, warmUp = 0): Promise<Summary> {
  const samples = await nodeNetRoundTripSamples(net.connect({ port, host: '127.0.0.1', noDelay: true }), roundTrips + warmUp);
  return summarize(samples.slice(warmUp), 1000);
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
export async function pythonPingPong(port: number, roundTrips: number): Promise<number> {
  return (await pythonPingPongStats(port, roundTrips)).p50;
}

/** Median, mean and p99 round trip of a Python blocking-socket client process, in microseconds, after `warmUp` not counted. */
export function pythonPingPongStats(port: number, roundTrips: number, warmUp = 0): Promise<Summary> {
  const script = new URL('./peers/pingpong_client.py', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, String(port), String(roundTrips), String(SIZE), String(warmUp)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`python exited ${code}`));
      const [p50, mean, p99] = out.trim().split(/\s+/).map((ns) => Number(ns) / 1000);
      resolve({ p50: p50!, mean: mean!, p99: p99! });
    });
  });
}

/**
 * The ping-pong floor (peers/pingpong-floor.c: a busy-polling C client), or undefined
 * where no C compiler is installed: its median, mean and p99 round trip in microseconds,
 * after `warmUp` trips not counted (default: as many as it measures). Compiled once per
 * bench run into the temp folder.
 */
let floorBinary: string | undefined | null = null;
export function floorPingPongStats(port: number, roundTrips: number, warmUp = roundTrips): Summary | undefined {
  if (floorBinary === null) {
    const out = join(tmpdir(), `tcp-commands-pingpong-floor-${process.pid}`);
    const source = new URL('./peers/pingpong-floor.c', import.meta.url).pathname;
    floorBinary = spawnSync('cc', ['-O2', '-o', out, source]).status === 0 ? out : undefined;
  }
  if (floorBinary === undefined) return undefined;
  const run = spawnSync(floorBinary, [String(port), String(roundTrips), String(warmUp)], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  const [mean, p50, p99] = run.stdout.trim().split(/\s+/).map(Number);
  return { p50: p50!, mean: mean!, p99: p99! };
}
