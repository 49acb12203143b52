// Entry of the socket-engine worker thread (src/engine/engine-thread.ts).
//
// The engine runs the compiled JavaScript in dist/ so that the first command of a
// process is fast: a worker that loads tsx takes 175-255 ms to start, plain JS ~35 ms.
// When dist/ is missing or older than src/ (a developer edited src/ and did not run
// `npm run build`), it falls back to loading the TypeScript through tsx.
// Started through src/channel/engine-bootstrap.ts, which loads this file with import() and
// reports a failure to load or run it (this file's or its imports', EMFILE included) in the
// registry, where the starter, blocked waiting, sees it.
import { distIsCurrent } from './dist-current.mjs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/engine/engine-thread.js', root);

if (distIsCurrent(root, built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('src/engine/engine-thread.ts', root).href);
}
