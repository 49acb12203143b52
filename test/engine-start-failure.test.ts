/**
 * An engine thread that cannot load its entry (descriptors ran out while it opened
 * workers/engine.mjs or an import of it: EMFILE; a damaged install) must say so at once:
 * the thread that started it waits blocked in Atomics.wait, deaf to the worker's events,
 * and without the report it waited its whole start deadline (10 s) for an engine that was
 * already gone (src/channel/engine-bootstrap.ts).
 *
 * A copy of the built package whose workers/engine.mjs imports a module that is not there
 * fails the way an entry that cannot be opened does: at load, before any of its code runs.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

test('a first command whose engine cannot load its entry returns -10050 without waiting the start deadline', async (t) => {
  const copy = mkdtempSync(join(tmpdir(), 'tcp-commands-broken-engine-'));
  t.teardown(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(repo, 'dist'), join(copy, 'dist'), { recursive: true });
  cpSync(join(repo, 'workers'), join(copy, 'workers'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
  writeFileSync(join(copy, 'workers', 'engine.mjs'), "import './not-there.mjs';\n");
  writeFileSync(
    join(copy, 'first-command.mjs'),
    `import { TCPStats, TCPGetLastErrorDetail } from './dist/index.js';
const started = performance.now();
const result = TCPStats();
console.log(JSON.stringify({ result, ms: performance.now() - started }));
`,
  );
  const { stdout, stderr } = await run(process.execPath, ['first-command.mjs'], {
    cwd: copy,
    env: { ...process.env, NODE_DEBUG: 'tcp-commands' },
    timeout: 30_000,
  });
  const { result, ms } = JSON.parse(stdout) as { result: unknown; ms: number };
  t.is(result, -10050, 'the engine is down');
  t.true(ms < 3_000, `answered in ${Math.round(ms)} ms (the start deadline is 10,000)`);
  t.regex(stderr, /socket engine could not start: .*not-there\.mjs/s, 'NODE_DEBUG=tcp-commands says why');
});
