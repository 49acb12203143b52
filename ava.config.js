// ava 7 on Node 20: TypeScript test files are loaded through tsx in child processes.
// (With ava's worker threads on, .ts test files fail to load.)
import { existsSync } from 'node:fs';
import { oneLine } from './test/long-files.mjs';

// TCP_TEST_SET=core (set by .ci/run on the Node lines other than the machine's) leaves out
// the files test/long-files.mjs names, each with why; unset, every file runs (`npm test`).
const set = process.env.TCP_TEST_SET ?? 'all';
if (set !== 'all' && set !== 'core') throw new Error(`TCP_TEST_SET=${set}: 'all' (the default) or 'core'`);
// A renamed or removed file would silently join the core set: say so instead.
const gone = oneLine.filter((file) => !existsSync(new URL(file, import.meta.url)));
if (gone.length > 0) throw new Error(`test/long-files.mjs names files that do not exist: ${gone.join(', ')}`);

export default {
  files: ['test/**/*.test.ts', ...(set === 'core' ? oneLine.map((file) => `!${file}`) : [])],
  extensions: { ts: 'module' },
  // Each test file's process has a temp folder of its own, removed when it exits.
  nodeArguments: ['--import=tsx', `--import=${new URL('./test/helpers/own-temp-dir.mjs', import.meta.url).href}`],
  workerThreads: false,
  timeout: '60s',
  // Tests run real peers and block their process's main thread; two files at a time
  // keeps a 2-core machine responsive.
  concurrency: 2,
};
