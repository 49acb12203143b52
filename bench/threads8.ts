/**
 * Many threads at once (issue 27): THREADS threads each running a 64-byte ping-pong on a
 * connection of its own against one echo server (the raw node:net server of the serve()
 * figures, in a process of its own), all in the same window of wall-clock time; the
 * figure is the round trips of all together per second. Ours: THREADS pool threads with
 * our blocking commands (bench/scripts/pingpong-window.ts); Python: THREADS threads with
 * blocking sockets in one process (peers/pingpong_threads.py); node:net: THREADS
 * connections on one event loop.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { Pool } from '../src/index.js';

export const THREADS = 8;
const WARM_UP = 200;
/** Time for every side to connect and warm up before the window opens. */
const LEAD_MS = 1500;

const SCRIPT = new URL('./scripts/pingpong-window.ts', import.meta.url);

/** Our round trips per second, all pool threads of `pool` (THREADS of them) together. */
export async function oursThreads(pool: Pool, port: number, seconds: number): Promise<number> {
  const startAt = Date.now() + LEAD_MS;
  const counts = await Promise.all(Array.from({ length: THREADS }, () => pool.run<number>(SCRIPT, port, startAt, seconds, WARM_UP)));
  process.stderr.write(`  threads8 ours, round trips per thread: ${counts.join(' ')}\n`);
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

/** Python's: THREADS threads in one process. */
export function pythonThreads(port: number, seconds: number): Promise<number> {
  const startAt = (Date.now() + LEAD_MS) / 1000;
  const script = new URL('./peers/pingpong_threads.py', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, String(port), String(THREADS), String(startAt), String(seconds), String(WARM_UP)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out) / seconds) : reject(new Error(`python exited ${code}`))));
  });
}

/** node:net's: THREADS connections on this process's one event loop. */
export async function nodeNetConnections(port: number, seconds: number): Promise<number> {
  const out = Buffer.alloc(64);
  const sockets = await Promise.all(
    Array.from(
      { length: THREADS },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  // One ping-pong loop per connection; `until` ends it (the warm-up, then the window).
  const loop = (socket: net.Socket, until: () => boolean): Promise<number> =>
    new Promise((resolve) => {
      let got = 0;
      let trips = 0;
      const onData = (chunk: Buffer): void => {
        got += chunk.length;
        if (got < 64) return;
        got -= 64;
        trips++;
        if (until()) {
          socket.off('data', onData);
          resolve(trips);
        } else socket.write(out);
      };
      socket.on('data', onData);
      socket.write(out);
    });
  let warm = 0;
  await Promise.all(sockets.map((socket) => loop(socket, () => ++warm >= WARM_UP * THREADS)));
  const end = performance.now() + seconds * 1000;
  const counts = await Promise.all(sockets.map((socket) => loop(socket, () => performance.now() >= end)));
  for (const socket of sockets) socket.destroy();
  return counts.reduce((a, b) => a + b, 0) / seconds;
}
