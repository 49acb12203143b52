/**
 * 1,000 threads come and go: the legacy server of docs/commands.md (examples/legacy-server.ts: a
 * blocking accept loop, a new Worker running examples/legacy-handler.mjs per connection)
 * serves N sessions of a Python client, one after another. Prints the engine's slots and
 * the process's resident memory after a warm-up and after all N, as JSON.
 *
 *   npm run build && node --expose-gc --import=tsx bench/thread-churn.ts [N=1000] [WARMUP=50] [CONCURRENCY=4]
 *
 * Before the engine forgot the slots of ended threads, slots grew by one per session and
 * memory by about 1.1 MiB per session.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { engineHandle, TCPAccept, TCPBind, TCPClose, TCPGetMyPort, TCPListen, TCPSetOption, TCPSocket, TCPStats } from '../src/index.js';

const sessions = Number(process.argv[2] ?? 1000);
const warmup = Number(process.argv[3] ?? 50);
const concurrency = Number(process.argv[4] ?? 4);
const handler = new URL('../examples/legacy-handler.mjs', import.meta.url);

const listener = TCPSocket();
TCPSetOption(listener, 'address', '127.0.0.1');
TCPSetOption(listener, 'backlog', 64);
if (TCPBind(listener, 0) < 0 || TCPListen(listener) < 0) throw new Error('cannot listen');
const client = spawn('python3', [new URL('./peers/legacy_client.py', import.meta.url).pathname, String(TCPGetMyPort(listener)), String(sessions), String(concurrency)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const done = new Promise<string>((resolve) => createInterface({ input: client.stdout }).once('line', resolve));

let exited = 0;
/** Serves `count` sessions as the example does (a blocking accept loop); then lets ended workers be reaped. */
async function serve(count: number): Promise<void> {
  const workers: Worker[] = [];
  for (let served = 0; served < count; served++) {
    const socket = TCPAccept(listener);
    if (socket < 0) throw new Error(`accept: ${socket}`);
    const worker = new Worker(handler, { workerData: { socket, ...engineHandle() } });
    worker.once('exit', () => exited++);
    workers.push(worker);
  }
  await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.threadId === -1 ? resolve(0) : worker.once('exit', resolve)))));
}

async function settle(): Promise<{ slots: number; engineRestarts: number; rssMiB: number; engineHeapMiB: number }> {
  for (let i = 0; i < 5; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stats = TCPStats();
  if (typeof stats === 'number') throw new Error(`TCPStats: ${stats}`);
  return { slots: stats.slots, engineRestarts: stats.engineRestarts, rssMiB: process.memoryUsage().rss / 2 ** 20, engineHeapMiB: stats.heapUsed / 2 ** 20 };
}

const started = Date.now();
await serve(warmup);
const afterWarmup = await settle();
// In batches of 100, with a progress line each (slots and RSS so far) on stderr.
for (let served = warmup; served < sessions; ) {
  const batch = Math.min(100, sessions - served);
  await serve(batch);
  served += batch;
  const now = await settle();
  console.error(JSON.stringify({ served, ...now, seconds: (Date.now() - started) / 1000 }));
}
console.error(await done);
const afterAll = await settle();
TCPClose(listener);
console.log(
  JSON.stringify({
    sessions,
    threadsEnded: exited,
    seconds: (Date.now() - started) / 1000,
    afterWarmup,
    afterAll,
    rssGrowthPerThreadKiB: ((afterAll.rssMiB - afterWarmup.rssMiB) * 1024) / (sessions - warmup),
  }),
);
