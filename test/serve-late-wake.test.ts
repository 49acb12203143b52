// The late wake of serve()'s wake policy (src/engine/request-server.ts armLateWake): a
// connection left in the ring for the running threads gets a parked thread after 1 ms when
// those threads stay busy (here: one blocked in a slow request), so a slow request delays
// only its own thread. The running limit is 1 (test/serve-wake-policy.test.ts shows it).
import anyTest from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const answer = await Promise.race([waiting.ask('who'), new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 10 s'), 10_000).unref())]);
    const [whoThread, what] = answer.split(' ');
    t.is(what, 'who', answer);
    const heldBy = await held.ask('go');
    t.not(whoThread, heldBy.split(' ')[1], 'the parked thread served it');
  } finally {
    await Promise.all([held.end(), waiting.end()]);
    await server.close();
  }
});

test('a connection too long-named for the ring (a long socket path) gets a parked thread too', async (t) => {
  // It waits in the engine's queue beyond the ring, which the late wake hands out as well.
  const path = join(mkdtempSync(join(tmpdir(), 'tcp-late-wake-')), 'a-name-long-enough-to-pass-52-bytes-of-a-ring-entry.sock');
  t.true(Buffer.byteLength(path) > 52 && Buffer.byteLength(path) < 108, `${Buffer.byteLength(path)} bytes`);
  const server = await serve({ handler, address: path, threads: 2 });
  const held = lineConnection(path);
  const waiting = lineConnection(path);
  try {
    await waitFor(() => server.stats().threads === 2, 'both threads serving', 10_000);
    t.is(await held.ask('hold'), 'holding');
    const answer = await Promise.race([waiting.ask('who'), new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 10 s'), 10_000).unref())]);
    t.is(answer.split(' ')[1], 'who', answer);
    t.regex(await held.ask('go'), /^held \d+$/);
  } finally {
    await Promise.all([held.end(), waiting.end()]);
    await server.close();
  }
});
