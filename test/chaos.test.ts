// The chaos test (issue 23): threads sending and receiving checked streams over many
// sockets while threads are terminated in the middle of commands, the engine is crashed and
// terminated (and restarts), sockets are closed under the threads using them, STARTTLS runs
// on a socket another thread is receiving on, descriptors run out now and then, and a
// bystander thread keeps opening files and sockets. It checks:
//   - no byte reaches a file or a socket it was not sent to (the bystander's files and its
//     sink connections hold only their own bytes; no stream carries another's bytes);
//   - every stream's bytes arrive in order, exactly once, or a command reported a failure
//     (an upstream byte the sender got a count for arrived, unless a later command on that
//     stream failed; a downstream byte is never lost, doubled or foreign);
//   - no command outlives its time-out (2 s on every socket) by more than a second.
//
// The library side runs in a child process (test/fixtures/chaos/, bundled with esbuild
// against dist/) under a low `ulimit -n`, so that descriptors can run out, and so that a
// hang there cannot hang this process: it is killed at its deadline. The peers run here.
//
// CHAOS_SECONDS (10 by default, in `npm test`; `npm run test:chaos` runs 30, which CI does on both paths), CHAOS_SEED to replay a run's
// choices (not its timing), CHAOS_RATE bytes/s per stream worker. Both paths:
// `npm run test:chaos` and `TCP_COMMANDS_DIRECT=0 npm run test:chaos`.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildCounts, ChildMessage } from './fixtures/chaos/child.js';
import type { ChaosConfig } from './fixtures/chaos/layout.js';
import { makeTestPki } from './helpers/certs.js';
import { ChaosPeer, type PeerFailure, Sink } from './helpers/chaos-peer.js';
import { Direction, identify } from './helpers/chaos-stream.js';

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 10);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RATE = Number(process.env.CHAOS_RATE ?? 2 * 1024 * 1024);
/** The child's open-file limit: room for its threads and sockets, low enough to exhaust in a millisecond. */
const FD_LIMIT = 512;
const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * The child's code, bundled: worker threads start in ~80 ms of CPU from plain JavaScript,
 * against ~500 ms through tsx, and the test terminates and replaces dozens of them. The
 * library itself is not bundled: its imports are pointed at dist/, the build the engine runs.
 */
async function bundleChild(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'tcp-chaos-'));
  const fixtures = join(root, 'test/fixtures/chaos');
  await build({
    entryPoints: ['child', 'chaos-worker', 'stream-worker', 'bystander', 'exhaust'].map((name) => join(fixtures, `${name}.ts`)),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    plugins: [
      {
        name: 'the library from dist',
        setup(builder) {
          builder.onResolve({ filter: /\/src\/(index|testing)\.js$/ }, (args) => ({ path: join(root, 'dist', basename(args.path)), external: true }));
        },
      },
    ],
  });
  return outdir;
}

interface Outcome {
  failures: PeerFailure[];
  finals: Array<Extract<ChildMessage, { type: 'stream-final' }>>;
  notes: string[];
  counts: ChildCounts | undefined;
  reported: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(outdir: string, config: ChaosConfig): Promise<Outcome> {
  const child = spawn('bash', ['-c', `ulimit -n ${FD_LIMIT} && exec "${process.execPath}" "${join(outdir, 'child.mjs')}"`], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, TCP_COMMANDS_TEST_HOOKS: '1', CHAOS_CONFIG: JSON.stringify(config) },
  });
  const outcome: Outcome = { failures: [], finals: [], notes: [], counts: undefined, reported: false, code: null, signal: null, stderr: '' };
  child.stderr!.on('data', (chunk: Buffer) => (outcome.stderr = (outcome.stderr + chunk.toString()).slice(-8000)));
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'failure') {
      const { type: _, ...failure } = message;
      outcome.failures.push(failure);
    }
    else if (message.type === 'stream-final') outcome.finals.push(message);
    else if (message.type === 'note') outcome.notes.push(message.text);
    else {
      outcome.counts = message.counts;
      if (message.type === 'report') outcome.reported = true;
    }
  });
  // Everything in the child is bounded; this bounds the child itself.
  const deadline = setTimeout(() => {
    outcome.failures.push({ category: 'hung', detail: `the child process did not end within ${SECONDS} s + 75 s: killed` });
    child.kill('SIGKILL');
  }, (SECONDS + 75) * 1000);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(deadline);
      outcome.code = code;
      outcome.signal = signal;
      resolve(outcome);
    });
  });
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

test('chaos: checked streams on both sides of every socket while threads, sockets and the engine die', async (t) => {
  t.timeout((SECONDS + 120) * 1000);
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/testing.js'))) {
    return t.fail('dist/ is missing: run `npm run build` (npm test does it first)');
  }
  const pki = makeTestPki();
  const secureContext = tls.createSecureContext({ cert: readFileSync(pki.file('server.pem')), key: readFileSync(pki.file('server.key')) });
  const peer = new ChaosPeer(secureContext);
  const sink = new Sink();
  const outdir = await bundleChild();
  try {
    const config: ChaosConfig = { peerPort: await peer.listen(), sinkPort: await sink.listen(), seconds: SECONDS, seed: SEED, rate: RATE, scratch: outdir };
    const outcome = await runChild(outdir, config);
    // The last streams close as the child ends: their last bytes are in flight.
    const leftOpen = await peer.settle(5000);

    const failures: PeerFailure[] = [];
    for (const failure of [...outcome.failures, ...peer.failures, ...sink.failures]) {
      // An end the receiver saw after this side had closed first is legitimate.
      const closedByPeer = failure.category === 'false-eof' ? peer.streams.get(failure.streamId ?? 0)?.closedByPeer : undefined;
      if (closedByPeer !== undefined) outcome.notes.push(`not a false end (the peer had closed first: ${closedByPeer}): ${failure.detail}`);
      else failures.push(failure);
    }
    // Bytes where they do not belong are usually another stream's: say whose.
    let identified = 0;
    for (const failure of failures) {
      if (failure.bytes === undefined || identified++ >= 10) continue;
      const downstream = failure.category === 'corrupt-downstream';
      const candidates = [...peer.streams.values()]
        .filter((stream) => stream.streamId !== failure.streamId)
        .map((stream) => ({ streamId: stream.streamId, near: downstream ? stream.downPosition : stream.checker.position }));
      const source = identify(Buffer.from(failure.bytes, 'hex'), downstream ? Direction.Down : Direction.Up, candidates);
      if (source !== undefined) failure.detail += ` [these bytes are ${source}]`;
    }
    if (!outcome.reported) {
      failures.push({ category: 'harness', detail: `the child ended (code ${outcome.code}, signal ${outcome.signal}) without its report; its stderr ends: ${outcome.stderr.slice(-2000)}` });
    }
    // Upstream bytes the sender got a count for, with no failure after: all arrived.
    let unchecked = 0;
    for (const final of outcome.finals) {
      const stream = peer.streams.get(final.streamId);
      const arrived = stream?.checker.position ?? 0;
      if (stream?.checker.corruption !== undefined) continue; // reported as corruption already
      if (!final.excused && final.acked > arrived) {
        failures.push({
          category: 'lost-acked',
          detail: `stream ${final.streamId} (slot ${final.slot}): its sender got counts for ${final.acked} bytes and no later command on it failed (${final.why}), but ${arrived} arrived`,
        });
      }
    }
    const finalIds = new Set(outcome.finals.map((final) => final.streamId));
    for (const id of peer.streams.keys()) if (!finalIds.has(id)) unchecked++;

    const counts = outcome.counts;
    const totals = counts?.totals;
    const kills = counts?.threadKills ?? {};
    const results = counts?.results ?? {};
    const path = process.env.TCP_COMMANDS_DIRECT === '0' ? 'engine path' : 'direct path';
    t.log(
      `chaos ${Math.round((counts?.elapsedMs ?? 0) / 1000)} s on the ${path}, seed ${SEED}: ` +
        `${totals?.Commands ?? 0} command attempts; ` +
        `kills: ${sum(kills)} threads terminated mid-command (${Object.entries(kills).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}), ` +
        `${totals?.EngineCrashes ?? 0} engine crashes, ${totals?.EngineTerminations ?? 0} engine terminations (${totals?.YoungKills ?? 0} of the kills within a second of a restart); ` +
        `${totals?.ClosesUnderOthers ?? 0} sockets closed under other threads; ` +
        `STARTTLS ${totals?.StartTls ?? 0} (${totals?.StartTlsOk ?? 0} secured, ${totals?.StartTlsFailed ?? 0} failed); ` +
        `${totals?.EmfileEpisodes ?? 0} EMFILE episodes (${Math.round((totals?.DescriptorsHeld ?? 0) / Math.max(1, totals?.EmfileEpisodes ?? 0))} descriptors free before each; ${counts?.replacementsDuringExhaustion ?? 0} replacement threads started in one, ${counts?.threadStartFailures ?? 0} thread starts failed); ` +
        `bytes checked: ${mib(peer.checkedBytes)} upstream, ${mib(totals?.BytesChecked ?? 0)} downstream, ${mib(totals?.BystanderBytesChecked ?? 0)} in the bystander's ${totals?.BystanderFiles ?? 0} files and ${totals?.BystanderSockets ?? 0} sockets; ` +
        `${peer.streams.size} streams (${totals?.Resyncs ?? 0} resyncs after cut sends, ${totals?.ReceiverResumes ?? 0} receivers resumed, ${unchecked} without a final count, ${leftOpen} left open)`,
    );
    const codes = Object.entries(results).filter(([key]) => !key.endsWith(' ok')).sort((a, b) => b[1] - a[1]);
    t.log(`failed commands by code: ${codes.map(([key, n]) => `${key}: ${n}`).join(', ') || 'none'}`);
    const endings = new Map<string, number>();
    for (const final of outcome.finals) {
      const why = final.why.replace(/-?\d{3,}/g, (code) => (code.startsWith('-') ? code : 'N'));
      endings.set(why, (endings.get(why) ?? 0) + 1);
    }
    t.log(`streams ended: ${[...endings].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${why}: ${n}`).join('; ')}`);
    for (const note of outcome.notes.slice(0, 10)) t.log(`note: ${note}`);

    const byCategory = new Map<string, string[]>();
    for (const failure of failures) byCategory.set(failure.category, [...(byCategory.get(failure.category) ?? []), failure.detail]);
    for (const [category, details] of byCategory) {
      t.log(`${category}: ${details.length}`);
      for (const detail of details.slice(0, 5)) t.log(`  ${detail}`);
    }
    t.deepEqual(
      Object.fromEntries([...byCategory].map(([category, details]) => [category, details.length])),
      {},
      'failures by category (details above)',
    );
    t.true((totals?.Commands ?? 0) > 0 && peer.checkedBytes > 0, 'the run did something');
  } finally {
    await Promise.all([peer.close(), sink.close()]);
    rmSync(outdir, { recursive: true, force: true });
    rmSync(pki.dir, { recursive: true, force: true });
  }
});
