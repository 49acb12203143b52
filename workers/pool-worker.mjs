// Entry of a piscina pool thread (src/pool/pool.ts): registers tsx, so that script and
// handler modules may be TypeScript, and exports the task runner (src/pool/task.ts).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const source = new URL('../src/pool/task.ts', import.meta.url);
// With the sources at hand, the pool runs the same code as a tsx-run main thread;
// installed without them, the compiled one.
const { default: runTask } = await import(existsSync(source) ? source.href : '../dist/pool/task.js');
export default runTask;
