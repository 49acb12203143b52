// A draining serving process (reload, close of serve({ processes })) and the connections
// it already holds: a request handler's connection in use is served to its end, by the
// old process; one that waits for its next request longer than drainIdleTimeout is closed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { serve } from '../src/index.js';
import type { ProcessesServer } from '../src/scale/processes.js';
import { lineConnection } from './helpers/line-connection.js';
import { waitFor } from './helpers/wait-for.js';

const handler = new URL('./fixtures/handlers/request-lines.mjs', import.meta.url);
const DRAIN_IDLE_MS = 2_000;

test.serial('processes: a draining process serves a connection in use until it waits drainIdleTimeout for its next request', async (t) => {
  t.timeout(300_000); // a loaded 2-core machine: each process starts its engine and threads
  const dir = mkdtempSync(join(tmpdir(), 'tcp-drain-'));
  const versionFile = join(dir, 'version');
  writeFileSync(versionFile, 'one');
  process.env.TCP_TEST_VERSION_FILE = versionFile; // new processes inherit it at fork
  t.teardown(() => delete process.env.TCP_TEST_VERSION_FILE);
  const server = (await serve({ handler, processes: 1, threads: 1, address: '127.0.0.1', drainIdleTimeout: DRAIN_IDLE_MS, graceMs: 60_000 })) as ProcessesServer;
  t.teardown(() => server.close()); // also when the test times out: no serving process left behind
  const kept = lineConnection(server.port);
  const first = await kept.ask('first');
  t.regex(first, /^\d+ one first$/);
  const oldPid = first.split(' ')[0]!;
  writeFileSync(versionFile, 'two');
  const reloaded = server.reload!();
  await waitFor(() => server.stats().draining === 1, 'the old process to drain', 120_000);
  // The client goes on for twice drainIdleTimeout, pausing 50 ms between requests as a
  // client does between the requests of its loop: the old process answers every one.
  const started = Date.now();
  const answers: string[] = [];
  for (let n = 0; Date.now() - started < 2 * DRAIN_IDLE_MS; n++) {
    answers.push(await kept.ask(`during${n}`));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the client's own pause, not a wait for the server
  }
  t.deepEqual(answers.filter((answer, n) => answer !== `${oldPid} one during${n}`), []);
  t.is(server.stats().draining, 1, 'the old process holds the connection, so it is still there');
  // Then it waits: closed once idle drainIdleTimeout, and the old process exits.
  const idleFrom = Date.now();
  await kept.closed;
  const idleFor = Date.now() - idleFrom;
  t.true(idleFor >= DRAIN_IDLE_MS - 100, `closed after ${idleFor} ms idle`);
  await reloaded;
  t.is(server.stats().draining, 0);
  const fresh = lineConnection(server.port);
  t.regex(await fresh.ask('after'), /^\d+ two after$/);
  await fresh.end();
  t.is(server.stats().lost, 0);
  t.is((await server.close()).abandoned, 0);
});
