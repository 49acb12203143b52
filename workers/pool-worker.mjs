// Entry of a piscina pool thread (src/pool/pool.ts): exports the task runner
// (src/pool/task.ts). It runs the compiled one from dist/ when that is current, so a
// thread with a plain JavaScript handler never loads tsx (tens of ms and a few MB per
// thread instead of ~0.2 s and ~30 MB); tsx is loaded here only when dist/ is missing or
// older than src/ (a developer edited src/ without `npm run build`), and by the task
// runner for a TypeScript module only where Node's own type stripping cannot load it
// (src/pool/load-module.ts).
import { distIsCurrent, registerTsxOnce } from './dist-current.mjs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/pool/task.js', root);

async function taskRunner() {
  if (distIsCurrent(root, built)) return import(built.href);
  await registerTsxOnce();
  return import(new URL('src/pool/task.ts', root).href);
}

const { default: runTask } = await taskRunner();
export default runTask;
