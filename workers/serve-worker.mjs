// Entry of serve()'s tasks on a piscina pool thread (src/server/thread.ts: check a handler
// module, run a serve loop), beside script tasks (workers/pool-worker.mjs) on the same
// threads. Like that entry, it runs the compiled code from dist/ when that is current and
// loads tsx only when dist/ is missing or older than src/.
import { distIsCurrent, registerTsxOnce } from './dist-current.mjs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/server/thread.js', root);

async function taskRunner() {
  if (distIsCurrent(root, built)) return import(built.href);
  await registerTsxOnce();
  return import(new URL('src/server/thread.ts', root).href);
}

const { default: runTask } = await taskRunner();
export default runTask;
