// TypeScript handlers and scripts on pool threads: loaded by Node's own type stripping
// where this Node strips types (22.18+, 24), through tsx only where Node cannot load them,
// and never evaluated twice. Each case runs in a child process started with this line's
// plain `node` (no --import tsx, which ava's own processes have): a one-thread pool from
// dist/ runs the fixture, then reports how its thread loaded it (test/fixtures/strip/).
import anyTest from 'ava';
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { run } from './helpers/run.js';

// One child at a time: each starts a pool (an engine and a thread) on a 2-core machine.
const test = anyTest.serial;

const driver = new URL('./fixtures/strip/driver.mjs', import.meta.url).pathname;

/** What this Node does natively: it strips types and has in-thread hooks (module.registerHooks). */
const strips =
  Boolean((process.features as { typescript?: unknown }).typescript) &&
  typeof (nodeModule as { registerHooks?: unknown }).registerHooks === 'function';

interface Report {
  results: Array<{ value?: unknown; error?: string }>;
  loaders: Array<string | null>;
  tsx: boolean;
  helperRuns: number;
  lateEnumRuns: number;
}

async function load(modules: string[], env: Record<string, string> = {}): Promise<Report> {
  if (!existsSync(new URL('../dist/server/thread.js', import.meta.url))) {
    throw new Error('dist/ is missing: `npm run build` (npm test runs it first)');
  }
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (env.TCP_COMMANDS_TSX === undefined) delete childEnv.TCP_COMMANDS_TSX;
  const { code, stdout, stderr } = await run(process.execPath, [driver, ...modules], childEnv).done;
  if (code !== 0) throw new Error(`driver exited with ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Report;
}

test(`a TypeScript handler importing './helper.js' (helper.ts) loads ${strips ? 'by Node, without tsx' : 'through tsx (no type stripping here)'}`, async (t) => {
  const report = await load(['handler.ts']);
  t.deepEqual(report.results, [{ value: 'hello you' }]);
  t.deepEqual(report.loaders, [strips ? 'node' : 'tsx']);
  t.is(report.tsx, !strips, strips ? 'the thread never loaded tsx' : 'tsx, as on every Node without type stripping');
  t.is(report.helperRuns, 1);
});

test('a graph with an enum loads through tsx, each module evaluated once', async (t) => {
  const report = await load(['enum-handler.ts']);
  t.deepEqual(report.results, [{ value: 'hello you Green' }]);
  t.deepEqual(report.loaders, ['tsx']);
  t.true(report.tsx);
  t.is(report.helperRuns, 1, 'helper.ts, linked by Node before it refused colour.ts, ran once: under tsx');
});

test('.tsx loads through tsx', async (t) => {
  const report = await load(['view.tsx']);
  t.deepEqual(report.results, [{ value: '<b>you</b>' }]);
  t.deepEqual(report.loaders, ['tsx']);
});

test('a module that ran before its import() of an enum failed is not run again through tsx', async (t) => {
  const report = await load(['late-enum.ts']);
  t.is(report.lateEnumRuns, 1, 'the module ran once');
  if (strips) {
    const [result] = report.results;
    t.regex(result!.error ?? '', /enum/);
    t.regex(result!.error ?? '', /TCP_COMMANDS_TSX=1/, 'and the message says how to load it');
    t.false(report.tsx);
  } else {
    t.deepEqual(report.results, [{ value: 1 }]);
    t.deepEqual(report.loaders, ['tsx']);
  }
});

test('TCP_COMMANDS_TSX=1 loads TypeScript through tsx', async (t) => {
  const report = await load(['handler.ts', 'late-enum.ts'], { TCP_COMMANDS_TSX: '1' });
  t.deepEqual(report.results, [{ value: 'hello you' }, { value: 1 }]);
  t.deepEqual(report.loaders, ['tsx', 'tsx']);
  t.true(report.tsx);
  t.is(report.lateEnumRuns, 1);
});
