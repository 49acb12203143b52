// The late wake of serve()'s wake policy (src/engine/request-server.ts armLateWake): a
// connection left in the ring for the running threads gets a parked thread after 1 ms when
// those threads stay busy (here: one blocked in a slow request), so a slow request delays
// only its own thread. The running limit is 1 (test/serve-wake-policy.test.ts shows it).
import anyTest from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerWithin10s, withOneThreadHeld } from './helpers/held-thread.js';

process.env.TCP_COMMANDS_RUNNING_THREADS = '1';

const test = anyTest.serial;

test('a connection waiting for a running thread that stays busy gets a parked thread', async (t) => {
  await withOneThreadHeld(t, '127.0.0.1', async ({ held, waiting }) => {
    // The held thread never finishes before this answer: only the late wake can serve it.
    const answer = await answerWithin10s(waiting, 'who');
    const [whoThread, what] = answer.split(' ');
    t.is(what, 'who', answer);
    const heldBy = await held.ask('go');
    t.not(whoThread, heldBy.split(' ')[1], 'the parked thread served it');
  });
});

test('a connection too long-named for the ring (a long socket path) gets a parked thread too', async (t) => {
  // It waits in the engine's queue beyond the ring, which the late wake hands out as well.
  const path = join(mkdtempSync(join(tmpdir(), 'tcp-late-wake-')), 'a-name-long-enough-to-pass-52-bytes-of-a-ring-entry.sock');
  t.true(Buffer.byteLength(path) > 52 && Buffer.byteLength(path) < 108, `${Buffer.byteLength(path)} bytes`);
  await withOneThreadHeld(t, path, async ({ held, waiting }) => {
    const answer = await answerWithin10s(waiting, 'who');
    t.is(answer.split(' ')[1], 'who', answer);
    t.regex(await held.ask('go'), /^held \d+$/);
  });
});
