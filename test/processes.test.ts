// serve({ processes }) and tcpcmd serve --processes: several serving processes on one port,
// counts added up, a dead process restarted, a graceful reload under a client loop, SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { serve } from '../src/index.js';
import type { ProcessesServer } from '../src/scale/processes.js';
import { lineClient } from './helpers/line-client.js';
import { lineConnection } from './helpers/line-connection.js';
import { waitFor } from './helpers/wait-for.js';

const handler = new URL('./fixtures/handlers/scale-report.ts', import.meta.url);
const requestHandler = new URL('./fixtures/handlers/request-lines.mjs', import.meta.url);
const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;

function until(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  return waitFor(condition, 'the condition', timeoutMs);
}

/** One connection, one request: the answer's fields, or the error. */
async function request(port: number, text: string): Promise<{ pid: number; version: string; answer: string } | { error: string }> {
  const client = lineClient(port);
  const greeting = await client.greeting;
  if (greeting.startsWith('error:')) return { error: greeting };
  const answer = await client.ask(text);
  client.close();
  const fields = answer.split(' ');
  if (answer.startsWith('error:') || fields[6] !== text) return { error: `bad answer ${answer}` };
  return { pid: Number(fields[4]), version: fields[5]!, answer };
}

test.serial('processes: 2 share the port, each serves, the counts add up', async (t) => {
  t.timeout(300_000); // a loaded 2-core machine: each process starts its engine and threads
  const server = (await serve({ handler, processes: 2, threads: 1, address: '127.0.0.1' })) as ProcessesServer;
  t.teardown(() => server.close()); // also when the test times out: no serving process left behind
  try {
    const pids = new Set<number>();
    let requests = 0;
    // Batches of concurrent connections until both processes have answered.
    while (pids.size < 2 && requests < 400) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => request(server.port, `r${requests + i}`)));
      requests += answers.length;
      for (const answer of answers) {
        if ('error' in answer) t.fail(answer.error);
        else pids.add(answer.pid);
      }
    }
    t.is(pids.size, 2);
    t.false(pids.has(process.pid));
    // A process reports a connection's end and its thread's return in separate messages.
    await until(() => server.stats().completed === requests && server.stats().running === 0);
    t.like(server.stats(), { accepted: requests, completed: requests, failed: 0, running: 0, processes: 2, restarts: 0, lost: 0 });
  } finally {
    t.deepEqual((await server.close()).abandoned, 0);
  }
  t.is(server.stats().processes, 0);
});

test.serial('processes: one that dies is restarted; the connections it held are closed and counted', async (t) => {
  t.timeout(300_000); // a loaded 2-core machine: each process starts its engine and threads
  const logs: string[] = [];
  const server = (await serve({ handler, processes: 2, threads: 1, address: '127.0.0.1', log: (line) => logs.push(line) })) as ProcessesServer;
  t.teardown(() => server.close()); // also when the test times out: no serving process left behind
  try {
    // Four connections held open (greeted, no request yet): running, or queued in the engines.
    const clients = Array.from({ length: 4 }, () => lineClient(server.port));
    await until(() => server.stats().running + server.stats().queued === 4); // however the engines shared them
    const greeted = await Promise.race([clients[0]!.greeting, clients[1]!.greeting, clients[2]!.greeting, clients[3]!.greeting]);
    const victim = Number(greeted.split(' ')[1]);
    process.kill(victim, 'SIGKILL');
    await until(() => server.stats().restarts === 1 && server.stats().processes === 2);
    const { lost } = server.stats();
    t.true(lost >= 1, `lost ${lost}`);
    // Every client asks now: those of the dead process find their connection gone.
    const answers = await Promise.all(
      clients.map(async (client) => {
        const answer = await client.ask('after');
        client.close(); // its thread is then free for one waiting in the same process
        return answer;
      }),
    );
    const failed = answers.filter((answer) => answer.startsWith('error:'));
    t.is(failed.length, lost, answers.join(' | '));
    t.true(logs.some((line) => line.includes(`process ${victim} died`)));
    // New connections are served, and never by the dead process.
    const after = await request(server.port, 'new');
    t.false('error' in after);
    if (!('error' in after)) t.not(after.pid, victim);
    t.true(server.stats().failed >= lost);
  } finally {
    await server.close();
  }
});

test.serial('processes: the keep-alive connections idle in a killed process count in `lost`, as their clients lose them', async (t) => {
  t.timeout(300_000); // a loaded 2-core machine: each process starts its engine and threads
  const server = (await serve({ handler: requestHandler, processes: 1, threads: 1, address: '127.0.0.1', log: () => {} })) as ProcessesServer;
  t.teardown(() => server.close()); // also when the test times out: no serving process left behind
  try {
    // Answered once each, then idle in the engine between requests: no thread, no bytes.
    const connections = Array.from({ length: 4 }, () => lineConnection(server.port));
    const first = await Promise.all(connections.map((connection, i) => connection.ask(`first${i}`)));
    const pids = new Set(first.map((answer) => answer.split(' ')[0]));
    t.is(pids.size, 1, first.join(' | '));
    await waitFor(() => server.stats().idle === 4, 'the 4 connections idle in the engine');
    process.kill(Number([...pids][0]), 'SIGKILL');
    await until(() => server.stats().restarts === 1 && server.stats().processes === 1);
    const after = await Promise.all(connections.map((connection) => connection.ask('after')));
    t.is(after.filter((answer) => answer.startsWith('error:')).length, 4, after.join(' | '));
    t.is(server.stats().lost, 4);
  } finally {
    await server.close();
  }
});

test.serial('processes: a client loop through reload() sees no error; the new processes load the handler afresh', async (t) => {
  t.timeout(300_000); // a loaded 2-core machine: each process starts its engine and threads
  const dir = mkdtempSync(join(tmpdir(), 'tcp-reload-'));
  const versionFile = join(dir, 'version');
  writeFileSync(versionFile, 'one');
  process.env.TCP_TEST_VERSION_FILE = versionFile;
  const server = (await serve({ handler, processes: 2, threads: 1, address: '127.0.0.1', graceMs: 10_000 })) as ProcessesServer;
  t.teardown(() => server.close()); // also when the test times out: no serving process left behind
  t.teardown(() => delete process.env.TCP_TEST_VERSION_FILE); // new processes inherit it at fork
  const CLIENTS = 8;
  let phase: 'before' | 'during' | 'after' = 'before';
  let stop = false;
  const counts = { before: 0, during: 0, after: 0 };
  const errors: string[] = [];
  const versions = { before: new Set<string>(), after: new Set<string>() };
  const pidsBefore = new Set<number>();
  const pidsAfter = new Set<number>();
  let started = 0;
  const startLoops = (): Array<Promise<void>> => Array.from({ length: CLIENTS }, async () => {
    const id = started++;
    for (let i = 0; !stop; i++) {
      const result = await request(server.port, `c${id}-${i}`);
      const at = phase;
      counts[at]++;
      if ('error' in result) errors.push(result.error);
      else if (at === 'before') {
        versions.before.add(result.version);
        pidsBefore.add(result.pid);
      } else if (at === 'after') {
        versions.after.add(result.version);
        pidsAfter.add(result.pid);
      }
    }
  });
  const loops = startLoops();
  try {
    await until(() => counts.before >= 50);
    // Four connections held open across the reload (greeted or waiting, no request yet):
    // with one thread per process, at least two of them wait in the old engines' queues.
    stop = true;
    await Promise.all(loops.splice(0));
    stop = false;
    const held = Array.from({ length: 4 }, () => lineClient(server.port));
    await until(() => server.stats().running + server.stats().queued === 4); // however the engines shared them
    loops.push(...startLoops());
    writeFileSync(versionFile, 'two');
    phase = 'during';
    const reloaded = server.reload();
    // Once the old processes drain, the held connections ask: the old ones must still serve
    // them all, those waiting in their queues included.
    await until(() => server.stats().draining === 2);
    const heldAnswers = await Promise.all(
      held.map(async (client) => {
        const answer = await client.ask('held');
        client.close(); // its thread is then free for the next one waiting
        return answer;
      }),
    );
    await reloaded;
    phase = 'after';
    t.deepEqual(heldAnswers.filter((answer) => !answer.endsWith(' one held')), []);
    const reloadedAt = counts.during;
    await until(() => counts.after >= 50);
    stop = true;
    await Promise.all(loops);
    t.log(`reload under load: ${CLIENTS} clients, ${counts.before} requests before, ${reloadedAt} during the reload, ${counts.after} after; errors: ${errors.length}`);
    t.deepEqual(errors, []);
    t.true(reloadedAt > 0);
    t.deepEqual([...versions.before], ['one']);
    t.deepEqual([...versions.after], ['two']);
    for (const pid of pidsAfter) t.false(pidsBefore.has(pid), 'an old process answered after the reload');
    t.is(server.stats().processes, 2);
  } finally {
    stop = true;
    await Promise.all(loops);
    await server.close();
  }
});

test.serial('tcpcmd serve --processes 2: SIGHUP reloads, SIGTERM drains a connection in progress and exits', async (t) => {
  t.timeout(300_000); // a loaded 2-core machine: each process starts its engine and threads
  const child = spawn(process.execPath, [tcpcmd, 'serve', '--handler', handler.pathname, '--processes', '2', '--threads', '1', '--address', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => child.kill('SIGKILL')); // its serving processes drain and exit when it is gone
  try {
    await until(() => /listening on /.test(output));
    const port = Number(/listening on [^ ]+:(\d+)/.exec(output)![1]);
    t.regex(output, /2 processes/);
    const first = await request(port, 'one');
    t.false('error' in first);
    child.kill('SIGHUP');
    await until(() => /reloaded/.test(output));
    const second = await request(port, 'two');
    t.false('error' in second);
    if (!('error' in first) && !('error' in second)) t.not(second.pid, first.pid);
    // A connection in progress (greeted, its request not sent yet) when SIGTERM arrives.
    const held = lineClient(port);
    t.regex(await held.greeting, /^hello /);
    child.kill('SIGTERM');
    await until(() => /SIGTERM/.test(output));
    const answer = await held.ask('last');
    t.regex(answer, / last$/);
    held.close();
    t.is(await exited, 0, errors);
    t.regex(output, /completed \d+/);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? ''));
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
    });
    t.is(refused, 'ECONNREFUSED');
  } finally {
    child.kill('SIGKILL');
  }
});
