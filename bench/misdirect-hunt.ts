/**
 * The hunt for the direct path's residual window (docs/direct-path.md, invariant
 * 4): the engine is terminated again and again while threads send directly on its sockets
 * and a bystander thread keeps opening files (taking the lowest free descriptor numbers, as
 * any code in the process would). A send whose bytes land in a file is a misdirection. The
 * owner thread stays busy for a while after each kill, so that its 'exit' handler cannot
 * close the table first: only the callers' own descriptor checks stand between the sends
 * and the files.
 *
 *   npm run build && npx tsx bench/misdirect-hunt.ts      (HUNT_KILLS=200 by default)
 *
 * Prints the kills, the sends attempted while an engine was dying or dead (each one a
 * chance for the gap between the check and the write), all sends, the files opened, and
 * the misdirected bytes found in them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { engineHandle, TCPClose, TCPConnect } from '../src/index.js';
import { terminateEngine } from '../src/testing.js';
import { startPythonPeer } from '../test/helpers/peers.js';

const KILLS = Number(process.env.HUNT_KILLS ?? 200);
const SOCKETS = 8;
const SENDERS = 2;
/** Shared words: Phase (0 run, 1 dying, 2 stop), then the current round's socket numbers. */
const Word = { Phase: 0, Attempts: 1, DyingAttempts: 2, Sends: 3, Opened: 4, Sockets: 8 } as const;

const workerSource = `
import { workerData } from 'node:worker_threads';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
const { TCPSend } = await import(workerData.library);
const words = new Int32Array(workerData.shared);
const mark = new TextEncoder().encode('MISDIRECTED!');
if (workerData.role === 'send') {
  let i = workerData.index;
  while (Atomics.load(words, 0) !== 2) {
    const s = Atomics.load(words, 8 + (i++ % ${SOCKETS}));
    if (s <= 0) continue;
    const dying = Atomics.load(words, 0) === 1;
    const n = TCPSend(s, mark);
    Atomics.add(words, 1, 1);
    if (dying) Atomics.add(words, 2, 1);
    if (n > 0) Atomics.add(words, 3, 1);
  }
} else {
  const open = [];
  let count = 0;
  while (Atomics.load(words, 0) !== 2) {
    open.push(openSync(join(workerData.dir, 'f' + count++), 'w'));
    if (open.length > 32) closeSync(open.shift());
    Atomics.add(words, 4, 1);
  }
  for (const fd of open) closeSync(fd);
}
`;

async function main(): Promise<void> {
  const sink = await startPythonPeer('sink');
  const dir = mkdtempSync(join(tmpdir(), 'tcp-commands-hunt-'));
  const shared = new SharedArrayBuffer(64);
  const words = new Int32Array(shared);
  // Plain JavaScript in the workers (node 20 loads no TypeScript there): the built package.
  const library = new URL('../dist/index.js', import.meta.url).href;
  const publish = (): void => {
    for (let i = 0; i < SOCKETS; i++) {
      const s = TCPConnect('127.0.0.1', sink.port);
      Atomics.store(words, Word.Sockets + i, s > 0 ? s : 0);
    }
  };
  publish();
  const workers = [
    ...Array.from({ length: SENDERS }, (_, index) => ({ role: 'send', index })),
    { role: 'grab', index: 0 },
  ].map(
    (data) =>
      new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource)}`), {
        workerData: { ...data, shared, dir, library, ...engineHandle() },
      }),
  );
  const started = Date.now();
  for (let kill = 1; kill <= KILLS; kill++) {
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25)); // sends flow
    Atomics.store(words, Word.Phase, 1);
    const terminated = terminateEngine();
    // Busy, as a blocked owner would be: its 'exit' handler (which closes the table) waits.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
    await terminated;
    for (let i = 0; i < SOCKETS; i++) Atomics.store(words, Word.Sockets + i, 0);
    Atomics.store(words, Word.Phase, 0);
    publish(); // the next command starts a new engine
    if (kill % 50 === 0) process.stderr.write(`${kill} kills, ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  Atomics.store(words, Word.Phase, 2);
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
  let misdirected = 0;
  for (const name of readdirSync(dir)) misdirected += readFileSync(join(dir, name)).length;
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < SOCKETS; i++) TCPClose(Atomics.load(words, Word.Sockets + i));
  await sink.stop();
  console.log(
    JSON.stringify({
      kills: KILLS,
      sendsWhileDying: Atomics.load(words, Word.DyingAttempts),
      sends: Atomics.load(words, Word.Attempts),
      sendsDelivered: Atomics.load(words, Word.Sends),
      filesOpened: Atomics.load(words, Word.Opened),
      misdirectedBytes: misdirected,
      seconds: Math.round((Date.now() - started) / 1000),
    }),
  );
}

await main();
