// serve()'s ready ring (src/engine/request-server.ts putInRing / takeFromRing, and
// src/server/request-calls.ts takeReady): many loops taking ready connections from the
// board while the engine takes from it too, under connection churn (each client: connect,
// one request, close). A head moved past the tail hid the next connection put in the
// ring: it waited for ever while every thread sat parked (found with 4 threads, 64 x 1,
// 2 runs in 5). Every client must be answered; bench/peers/loadgen.mjs is the client.
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { serve } from '../src/index.js';

const run = promisify(execFile);
const handler = new URL('./fixtures/handlers/request-echo64.mjs', import.meta.url);
const loadgen = fileURLToPath(new URL('../bench/peers/loadgen.mjs', import.meta.url));

test('64 clients of one request each, 8 loops: every client is answered (no connection lost in the ring)', async (t) => {
  const server = await serve({ handler, address: '127.0.0.1', threads: 8, backlog: 1024 });
  try {
    for (let round = 0; round < 2; round++) {
      // A client whose connection is lost waits for its answer for ever: loadgen's own
      // deadline is 1.5 s, so 20 s means lost.
      const { stdout } = await run(process.execPath, [loadgen, String(server.port), '64', '1', '1.5'], { timeout: 20_000 });
      const { completed, errors } = JSON.parse(stdout) as { completed: number; errors: number };
      t.is(errors, 0);
      t.true(completed > 100, `round ${round}: ${completed} requests`);
    }
    const stats = server.stats();
    t.is(stats.queued, 0, 'nothing left waiting for a thread');
  } finally {
    await server.close(1000);
  }
});
