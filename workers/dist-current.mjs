// Whether dist/ holds a build of the current src/ (or is all there is, as in an installed
// package): the pool's threads run the compiled task runner then, without tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `root`: the package folder URL; `built`: a file of dist/ that must exist. */
export function distIsCurrent(root, built) {
  const sources = new URL('src/', root);
  // Installed as a package: no sources and no build stamp (it is not shipped): dist is all there is.
  if (!existsSync(sources)) return existsSync(built);
  const stamp = new URL('dist/.build-stamp', root);
  if (!existsSync(built) || !existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs >= newestSource(sources);
}

let tsxRegistered;
/** Registers tsx once per thread, however many entries (pool-worker, serve-worker) need it. */
export async function registerTsxOnce() {
  tsxRegistered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return tsxRegistered;
}
