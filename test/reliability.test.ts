// Reliability under load and over time: resource limits, leaks, many connections.
// (Faults, hostile peers and fuzzing have files of their own.)
import test from 'ava';
import { serve, TCPStats } from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';
import { run } from './helpers/run.js';

const loadClient = new URL('./peers/load-client.mjs', import.meta.url).pathname;

/** Sized down for CI; `npm run bench -- load` runs 1,000 x 100. */
const LOAD_CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 200);
const LOAD_REQUESTS = Number(process.env.LOAD_REQUESTS ?? 20);

test('a low open-file limit gives -10024; after closing, everything works again', async (t) => {
  const echo = await startPythonPeer('echo');
  try {
    const child = await run('bash', ['-c', `ulimit -n 64 && exec "${process.execPath}" --import=tsx test/fixtures/open-until-limit.ts ${echo.port}`]).done;
    t.is(child.code, 0, child.stderr);
    const result = JSON.parse(child.stdout) as { opened: number; refusal: number; closeResults: number[]; echoed: string };
    t.true(result.opened > 5 && result.opened < 64, `opened ${result.opened} before the limit`);
    t.is(result.refusal, -10024);
    t.deepEqual(result.closeResults, [0]);
    t.is(result.echoed, 'works again');
  } finally {
    await echo.stop();
  }
});

test('10,000 open/close cycles and 1 GiB sent leave no socket behind and the heaps flat', async (t) => {
  const echo = await startPythonPeer('echo');
  const sink = await startPythonPeer('sink');
  try {
    const child = await run(process.execPath, ['--expose-gc', '--import=tsx', 'test/fixtures/churn-and-transfer.ts', String(echo.port), String(sink.port)]).done;
    t.is(child.code, 0, child.stderr);
    const result = JSON.parse(child.stdout) as {
      failedCycles: number;
      transferred: boolean;
      sockets: { connections: number; listeners: number; unbound: number; closing: number };
      parked: number;
      mainHeapGrowth: number;
      engineHeapGrowth: number;
    };
    t.is(result.failedCycles, 0);
    t.true(result.transferred, 'the sink counted and hashed 1 GiB');
    t.deepEqual(result.sockets, { connections: 0, listeners: 0, unbound: 0, datagram: 0, closing: 0 });
    t.is(result.parked, 0);
    // Generous: a socket kept per cycle would be 10,000 x some kilobytes, tens of MiB.
    t.true(result.mainHeapGrowth < 4 * 2 ** 20, `caller heap grew ${result.mainHeapGrowth} bytes`);
    t.true(result.engineHeapGrowth < 8 * 2 ** 20, `engine heap grew ${result.engineHeapGrowth} bytes`);
  } finally {
    await echo.stop();
    await sink.stop();
  }
});

test(`serve() under load: ${LOAD_CONNECTIONS} concurrent connections x ${LOAD_REQUESTS} checksummed requests`, async (t) => {
  const handler = new URL('./fixtures/handlers/length-echo-loop.ts', import.meta.url);
  const server = await serve({ handler, address: '127.0.0.1', threads: 4, backlog: LOAD_CONNECTIONS });
  let closed = false;
  try {
    const load = await run(process.execPath, [loadClient, String(server.port), String(LOAD_CONNECTIONS), String(LOAD_REQUESTS)]).done;
    const result = JSON.parse(load.stdout) as { ok: number; failed: number; requests: number; errors: string[] };
    t.deepEqual(
      { ok: result.ok, failed: result.failed, requests: result.requests, errors: result.errors },
      { ok: LOAD_CONNECTIONS, failed: 0, requests: LOAD_CONNECTIONS * LOAD_REQUESTS, errors: [] },
    );
    t.deepEqual(await server.close(), { completed: LOAD_CONNECTIONS, abandoned: 0 });
    closed = true;
    t.like(server.stats(), { accepted: LOAD_CONNECTIONS, completed: LOAD_CONNECTIONS, failed: 0, refused: 0 });
    const stats = TCPStats();
    if (typeof stats === 'number') return t.fail(`TCPStats: ${stats}`);
    t.like(stats.sockets, { connections: 0, listeners: 0 }, 'no socket left behind');
  } finally {
    if (!closed) await server.close();
  }
});
