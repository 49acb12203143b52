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

const handler = new URL('./fixtures/handlers/request-lines.mjs', import.meta.url);
// Five seconds, not two: a margin over the client's gaps between requests below (50 ms of
// pause and a round trip), which a loaded machine stretches. What is tested is that the
// connection in use outlives drainIdleTimeout and the idle one does not, whatever its length.
const DRAIN_IDLE_MS = 5_000;

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
  // The client is in a loop of requests, pausing 50 ms between them as a client does, from
  // before the reload until drainIdleTimeout after the old process is seen draining: the
  // old process answers every one. (Asking only once the draining was seen left the
  // connection idle from the reload on; on a loaded machine the old process had then
  // waited drainIdleTimeout already, and closed it.)
  const answers: string[] = [];
  const ask = async (): Promise<void> => {
    answers.push(await kept.ask(`during${answers.length}`));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the client's own pause, not a wait for the server
  };
  writeFileSync(versionFile, 'two');
  const reloaded = server.reload!();
  for (const deadline = Date.now() + 120_000; server.stats().draining !== 1 && Date.now() < deadline; ) await ask();
  t.is(server.stats().draining, 1, 'the old process drains');
  const started = Date.now();
  while (Date.now() - started < DRAIN_IDLE_MS + 1_000) await ask();
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
