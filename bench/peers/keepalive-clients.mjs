// Client of the keep-alive figure, in a process of its own:
//   node keepalive-clients.mjs PORT CONNECTIONS INTERVAL_MS SECONDS [WARMUP_SECONDS]
// Opens CONNECTIONS connections (in batches), prints "open" and waits for a line on
// stdin; then each connection sends one 64-byte request every INTERVAL_MS (phases spread
// evenly) for WARMUP_SECONDS + SECONDS and waits for its 64-byte answer. Prints JSON:
// sent, answered, errors, latency p50/p99/max (ms), of the requests sent after the warm-up
// (a server's first second is its JIT's, not its steady state's).
import net from 'node:net';
import { createInterface } from 'node:readline';

const [port, connections, intervalMs, seconds, warmupSeconds = 0] = process.argv.slice(2).map(Number);
const SIZE = 64;
const request = Buffer.alloc(SIZE, 42);
const sockets = [];
let errors = 0;

for (let opened = 0; opened < connections; ) {
  const batch = Math.min(250, connections - opened);
  await Promise.all(
    Array.from({ length: batch }, () => new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve());
      socket.once('error', () => {
        errors++;
        resolve();
      });
      sockets.push(socket);
    })),
  );
  opened += batch;
}
console.log('open');
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));

const latencies = [];
let sent = 0;
let answered = 0;
const started = performance.now();
const measuredFrom = started + warmupSeconds * 1000;
const deadline = measuredFrom + seconds * 1000;
// KEEPALIVE_TIMELINE=MS: the slowest answer per MS ms of the run (warm-up included) on
// stderr, to tell a stall (one bad second) from a slow server (every second alike).
const timeline = process.env.KEEPALIVE_TIMELINE === undefined ? undefined : [];
const BUCKET_MS = Number(process.env.KEEPALIVE_TIMELINE) || 1000;
await Promise.all(
  sockets.map((socket, i) => new Promise((resolve) => {
    let got = 0;
    let sentAt = 0;
    let waiting = false;
    const finish = () => {
      socket.destroy();
      resolve();
    };
    socket.on('data', (chunk) => {
      got += chunk.length;
      if (waiting && got >= SIZE) {
        got -= SIZE;
        waiting = false;
        const latency = performance.now() - sentAt;
        if (timeline !== undefined) {
          const bucket = Math.floor((sentAt - started) / BUCKET_MS);
          timeline[bucket] = Math.max(timeline[bucket] ?? 0, latency);
        }
        if (sentAt < measuredFrom) return;
        answered++;
        latencies.push(latency);
      }
    });
    socket.on('close', () => {
      if (waiting) errors++;
      resolve();
    });
    const tick = () => {
      if (performance.now() >= deadline) return setTimeout(finish, waiting ? 5000 : 0);
      if (!waiting && !socket.destroyed) {
        waiting = true;
        sentAt = performance.now();
        if (sentAt >= measuredFrom) sent++;
        socket.write(request);
      }
      setTimeout(tick, intervalMs);
    };
    setTimeout(tick, (i * intervalMs) / sockets.length);
  })),
);
if (timeline !== undefined) process.stderr.write(`slowest per ${BUCKET_MS} ms (ms): ${timeline.map((ms) => Math.round(ms)).join(' ')}\n`);
latencies.sort((a, b) => a - b);
const at = (q) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
console.log(JSON.stringify({ sent, answered, errors, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? NaN }));
process.exit(0);
