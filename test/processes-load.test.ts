// serve({ processes: 2 }) under load (issue 23, item 7): 64 clients in a tight request
// loop through 5 reloads and 2 kill -9s of a serving process: no client error on a reload,
// and on a kill the clients that lose their connection are exactly `stats().lost`. Then
// the same load through tcpcmd serve --processes 2 and SIGHUP.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { serve } from '../src/index.js';
import type { ProcessesServer } from '../src/scale/processes.js';
import { lineConnection } from './helpers/line-connection.js';
import { RequestLoad } from './helpers/request-load.js';
import { waitFor } from './helpers/wait-for.js';

const handler = new URL('./fixtures/handlers/request-lines.mjs', import.meta.url);
const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;

const CLIENTS = 64;
/** Requests per connection: connections come and go all the time, as a real load's do. */
const PER_CONNECTION = 10;
const RELOADS = 5;
/** A kill follows these reloads. */
const KILL_AFTER = new Set([2, 4]);

test.serial('processes: 64 clients in a tight loop through 5 reloads and 2 kill -9s: no error on reload, kills lose exactly `lost`', async (t) => {
  t.timeout(180_000); // about 30 s here; a machine loaded by other work may take longer
  const dir = mkdtempSync(join(tmpdir(), 'tcp-reload-load-'));
  const versionFile = join(dir, 'version');
  let version = 1;
  writeFileSync(versionFile, String(version));
  process.env.TCP_TEST_VERSION_FILE = versionFile; // new processes inherit it at fork
  t.teardown(() => delete process.env.TCP_TEST_VERSION_FILE);
  const logs: string[] = [];
  const server = (await serve({ handler, processes: 2, threads: 1, address: '127.0.0.1', log: (line) => logs.push(line) })) as ProcessesServer;
  t.teardown(() => server.close()); // also when the test times out: no serving process left behind
  const load = new RequestLoad(server.port, CLIENTS, PER_CONNECTION);
  try {
    await waitFor(() => load.everyAnswered(), 'every client to be answered', 60_000);
    const started = Date.now();
    for (let reload = 1; reload <= RELOADS; reload++) {
      writeFileSync(versionFile, String(++version));
      load.phase = 'reload';
      await server.reload!();
      load.mark();
      await waitFor(() => load.everyAnswered(), `every client to be answered after reload ${reload}`, 60_000);
      load.phase = 'load';
      t.deepEqual(load.errorsIn('reload'), [], `reload ${reload}`);
      if (KILL_AFTER.has(reload)) await killOne(t, server, load);
    }
    t.log(`${RELOADS} reloads and ${KILL_AFTER.size} kills in ${Date.now() - started} ms, ${load.requests} requests`);
    t.deepEqual(load.errorsIn('load'), []);
    await load.stop();
    // The last generation's handler answers.
    const last = lineConnection(server.port);
    t.regex(await last.ask('last'), new RegExp(`^\\d+ ${version} last$`));
    await last.end();
    t.is(logs.filter((line) => / died /.test(line)).length, KILL_AFTER.size, logs.join('\n'));
  } finally {
    await load.stop();
    await server.close();
  }
});

/**
 * Kills the process that serves most clients, once every client holds a connection that
 * has been answered (none connecting, closing, or waiting in the kernel's queue: each
 * connection the process holds is then one a client is using), and checks that `lost`
 * grows by the number of clients that saw their connection fail.
 */
async function killOne(t: import('ava').ExecutionContext, server: ProcessesServer, load: RequestLoad): Promise<void> {
  load.hold = true;
  load.mark();
  await waitFor(() => load.everyAnswered(), 'every client to be answered on a held connection', 60_000);
  const counts = new Map<number, number>();
  for (const client of load.clients) counts.set(client.pid, (counts.get(client.pid) ?? 0) + 1);
  const [victim, served] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
  const before = server.stats();
  load.phase = 'kill';
  const errorsBefore = load.errorsIn('kill').length;
  process.kill(victim, 'SIGKILL');
  await waitFor(() => server.stats().restarts === before.restarts + 1 && server.stats().processes === 2, 'the restart', 60_000);
  // Every client answered again: those of the dead process have recorded their error by then.
  load.mark();
  await waitFor(() => load.everyAnswered(), 'every client to be answered after the kill', 60_000);
  load.phase = 'load';
  load.hold = false;
  const seen = load.errorsIn('kill').slice(errorsBefore);
  const lost = server.stats().lost - before.lost;
  t.log(`kill of ${victim}, serving ${served} of ${CLIENTS} clients: ${seen.length} client errors, lost ${lost}`);
  t.true(seen.length > 0);
  t.is(lost, seen.length, seen.join(' | '));
}

test.serial('tcpcmd serve --processes 2: SIGHUP reloads under 64 clients in a tight loop with no client error', async (t) => {
  t.timeout(180_000);
  const child = spawn(process.execPath, [tcpcmd, 'serve', '--handler', handler.pathname, '--processes', '2', '--threads', '1', '--address', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => child.kill('SIGKILL')); // its serving processes drain and exit when it is gone
  await waitFor(() => /listening on /.test(output), 'tcpcmd serve to listen', 120_000);
  const port = Number(/listening on [^ ]+:(\d+)/.exec(output)![1]);
  const load = new RequestLoad(port, CLIENTS, PER_CONNECTION);
  try {
    await waitFor(() => load.everyAnswered(), 'every client to be answered', 60_000);
    for (let reload = 1; reload <= 2; reload++) {
      child.kill('SIGHUP');
      await waitFor(() => (output.match(/^reloaded$/gm) ?? []).length === reload || /reload failed/.test(output), `reload ${reload}`, 60_000);
      t.notRegex(output, /reload failed/);
      load.mark();
      await waitFor(() => load.everyAnswered(), `every client to be answered after reload ${reload}`, 60_000);
    }
    await load.stop();
    t.deepEqual(load.errorsIn('load'), []);
    t.log(`2 SIGHUP reloads under ${CLIENTS} clients: ${load.requests} requests, no error`);
    child.kill('SIGTERM');
    t.is(await exited, 0, output);
  } finally {
    await load.stop();
  }
});
