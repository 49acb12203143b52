// The ring of ready connections on a serve() board (src/board-ring.ts), with real threads:
// the engine's side (this thread) puts entries and takes some itself, as NextRequest does,
// while three pool-like threads take entries as fast as they can. Every entry must be taken
// exactly once, with its own port and address, and the ring must never read as holding
// fewer than nothing: an engine take that judged the ring non-empty by one read of the
// head and moved it after another moved the head past the tail, and hid the next entry
// (a connection that waited for ever while every thread sat parked; 2 runs in 5 of
// serve() with 4 threads under 64 clients x 1 request).
import test from 'ava';
import { Worker } from 'node:worker_threads';
import { BoardRing } from '../src/board-ring.js';
import { REGISTRY_BYTES } from '../src/protocol.js';

const ENTRIES = 1_000_000;
const tsWorker = new URL('./helpers/ts-worker.mjs', import.meta.url);

test('1,000,000 entries through one ring: each taken once, by the engine or one of three threads, intact', async (t) => {
  const registry = new SharedArrayBuffer(REGISTRY_BYTES);
  const taken = new SharedArrayBuffer((ENTRIES + 1) * 4);
  const done = new SharedArrayBuffer(4);
  const ring = new BoardRing(new Int32Array(registry), 0);
  const counts = new Int32Array(taken);
  const takers = Array.from({ length: 3 }, () => {
    const worker = new Worker(tsWorker, {
      workerData: { module: new URL('./fixtures/board-ring-taker.ts', import.meta.url).href, registry, taken, done },
    });
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    const result = ready.then(
      () =>
        new Promise<{ mine: number; wrong?: string }>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    );
    return { ready, result };
  });
  await Promise.all(takers.map((taker) => taker.ready));
  let byEngine = 0;
  let lowest = 0;
  const takeHere = (): void => {
    const socket = ring.takeSocket();
    if (socket === 0) return;
    Atomics.add(counts, socket, 1);
    byEngine++;
  };
  for (let socket = 1; socket <= ENTRIES; socket++) {
    while (!ring.put(socket, socket & 0xffff, `10.0.${socket % 256}.1`)) takeHere();
    // The engine takes too (a thread's NextRequest), racing the threads for the last entries.
    if ((socket & 1) === 0) takeHere();
    lowest = Math.min(lowest, ring.size); // this thread alone moves the tail: exact here
  }
  Atomics.store(new Int32Array(done), 0, 1);
  const results = await Promise.all(takers.map((taker) => taker.result));
  for (let socket = ring.takeSocket(); socket !== 0; socket = ring.takeSocket()) {
    Atomics.add(counts, socket, 1);
    byEngine++;
  }
  t.log(`taken by the engine ${byEngine}, by the threads ${results.map((result) => result.mine).join(', ')}`);
  for (const result of results) t.is(result.wrong, undefined);
  t.is(lowest, 0, 'the ring never held fewer than nothing (the head never passed the tail)');
  const missing: number[] = [];
  const twice: number[] = [];
  for (let socket = 1; socket <= ENTRIES; socket++) {
    if (counts[socket] === 0) missing.push(socket);
    else if (counts[socket]! > 1) twice.push(socket);
  }
  t.deepEqual(missing.slice(0, 10), [], `${missing.length} entries never taken`);
  t.deepEqual(twice.slice(0, 10), [], `${twice.length} entries taken twice`);
  t.true(results.every((result) => result.mine > 0), 'every thread took some');
});
