// The late wake of serve()'s wake policy (src/engine/request-server.ts armLateWake): a
// connection left in the ring for the running threads gets a parked thread after 1 ms when
// those threads stay busy (here: one blocked in a slow request), so a slow request delays
// only its own thread. The running limit is 1 (test/serve-wake-policy.test.ts shows it).
import anyTest from 'ava';
import { serve } from '../src/index.js';
import { lineConnection } from './helpers/line-connection.js';
import { waitFor } from './helpers/wait-for.js';

process.env.TCP_COMMANDS_RUNNING_THREADS = '1';

const test = anyTest.serial;
const handler = new URL('./fixtures/handlers/request-hold.mjs', import.meta.url);

test('a connection waiting for a running thread that stays busy gets a parked thread', async (t) => {
  const server = await serve({ handler, address: '127.0.0.1', threads: 2 });
  const held = lineConnection(server.port);
  const waiting = lineConnection(server.port);
  try {
    await waitFor(() => server.stats().threads === 2, 'both threads serving', 10_000);
    t.is(await held.ask('hold'), 'holding');
    // The held thread never finishes before this answer: only the late wake can serve it.
    const [whoThread, what] = (await waiting.ask('who')).split(' ');
    t.is(what, 'who');
    const heldBy = await held.ask('go');
    t.not(whoThread, heldBy.split(' ')[1], 'the parked thread served it');
  } finally {
    await Promise.all([held.end(), waiting.end()]);
    await server.close();
  }
});
