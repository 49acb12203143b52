// serve()'s wake policy for request handlers (src/engine/request-server.ts wakeWanted): while
// as many threads as TCP_COMMANDS_RUNNING_THREADS (default: the cores) run handlers, a
// connection that becomes ready waits in the board's ring for the first of them to finish
// instead of waking a parked thread (one more thread on the cores, two more switches);
// the late wake bounds that wait. Here the running limit is 1 and the late wake a minute
// (a test hook), so which thread serves the waiting connection shows the policy:
// test/serve-late-wake.test.ts shows the late wake with its real 1 ms.
import anyTest from 'ava';
import { enableTestHooks } from '../src/testing.js';
import { withOneThreadHeld } from './helpers/held-thread.js';
import { waitFor } from './helpers/wait-for.js';

process.env.TCP_COMMANDS_RUNNING_THREADS = '1';
process.env.TCP_COMMANDS_TEST_LATE_WAKE_MS = '60000';
enableTestHooks(); // (the late wake's hook; set before this process's engine starts)

const test = anyTest.serial;

test('a connection ready while the running limit of threads run waits for one of them, not for a parked thread', async (t) => {
  // One thread is held in its handler (a receive): one thread runs, one is parked.
  await withOneThreadHeld(t, '127.0.0.1', async ({ server, held, waiting }) => {
    const answer = waiting.ask('who');
    // The second connection's request waits for a thread: in the ring, not handed to the parked one.
    await waitFor(() => server.stats().queued === 1, 'the second request queued for a thread', 10_000);
    const [heldBy] = await Promise.all([held.ask('go'), answer]);
    const [whoThread, what] = (await answer).split(' ');
    t.is(what, 'who');
    t.regex(heldBy, /^held \d+$/);
    t.is(whoThread, heldBy.split(' ')[1], 'the thread that was running served it, the parked one was not woken');
  });
});
