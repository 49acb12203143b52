// Property-based fuzzing from two threads at once: random command sequences with random,
// often wrong, arguments. Every call returns its documented kind of value, the engine
// never dies, and afterwards the socket table holds nothing the sequences left open.
import test from 'ava';
import { TCPStats } from '../src/index.js';
import { fuzz } from './helpers/fuzz.js';
import { startPythonPeer } from './helpers/peers.js';
import { engineSlots, waitFor } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

test('random command sequences from two threads at once', async (t) => {
  const echo = await startPythonPeer('echo');
  try {
    const before = TCPStats();
    if (typeof before !== 'object') return t.fail(`no stats: ${before}`);
    const other = startWorkerFixture('fuzz-worker.ts', { echoPort: echo.port, runs: RUNS });
    await waitFor(() => engineSlots() > before.slots, 'the worker is under way (its channel is open)');
    t.notThrows(() => fuzz(echo.port, RUNS));
    t.deepEqual(await other.nextMessage(), { ok: true });
    await other.exited;
    const after = TCPStats();
    if (typeof after !== 'object') return t.fail(`no stats: ${after}`);
    t.is(after.engineRestarts, before.engineRestarts, 'the engine never died');
    t.deepEqual(
      { connections: after.sockets.connections, listeners: after.sockets.listeners, unbound: after.sockets.unbound },
      { connections: 0, listeners: 0, unbound: 0 },
      'every socket the sequences opened is gone',
    );
    t.is(after.parked, 0, 'no request left waiting');
  } finally {
    await echo.stop();
  }
});
