/**
 * The 64-byte ping-pong over a Unix-domain socket: the same round trip as pingpong.ts,
 * against a Python AF_UNIX echo server (test/peers/unix_peer.py) on a path in the temp
 * folder, ours (TCPConnect(path): the direct path on the pipe's descriptor) against a raw
 * async node:net client on the same path.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TCPConnect } from '../src/index.js';
import { nodeNetRoundTrips, nodeNetRoundTripSamples, oursRoundTripSamples, oursRoundTrips } from './pingpong.js';
import { summarize, type Summary } from './stats.js';

export interface UnixEcho {
  path: string;
  stop(): Promise<void>;
}

/** The Python echo server on a fresh socket path; resolves once it listens. */
export function startUnixEchoServer(): Promise<UnixEcho> {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-bench-unix-'));
  const path = join(dir, 'echo.sock');
  const script = new URL('../test/peers/unix_peer.py', import.meta.url).pathname;
  const child = spawn('python3', [script, 'echo', path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.stdin.end(); // the peer exits when its stdin closes
    });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', () => resolve({ path, stop }));
    child.once('exit', (code) => reject(new Error(`unix echo server exited ${code}`)));
  });
}

/** Median round trip of our blocking commands over the path, in microseconds. */
export function oursUnixPingPong(path: string, roundTrips: number): number {
  return oursRoundTrips(TCPConnect(path), roundTrips);
}

/** Median round trip of a raw async node:net client over the path, in microseconds. */
export function nodeNetUnixPingPong(path: string, roundTrips: number): Promise<number> {
  return nodeNetRoundTrips(net.connect({ path }), roundTrips);
}

/** Median, mean and p99 round trip of our blocking commands over the path, in microseconds. */
export function oursUnixPingPongStats(path: string, roundTrips: number): Summary {
  return summarize(oursRoundTripSamples(TCPConnect(path), roundTrips), 1000);
}

/** Median, mean and p99 round trip of a raw async node:net client over the path, in microseconds. */
export async function nodeNetUnixPingPongStats(path: string, roundTrips: number): Promise<Summary> {
  return summarize(await nodeNetRoundTripSamples(net.connect({ path }), roundTrips), 1000);
}
