/**
 * Files of the package itself (workers/, package.json), found from wherever this code runs:
 * src/x/ under tsx, dist/ as built, or a chunk of the bundle at dist/'s top. A relative
 * `new URL('../../workers/...', import.meta.url)` is right in only one of those places.
 */
import { existsSync } from 'node:fs';

let root: URL | undefined;

/** The package's folder: the nearest one above this module that holds workers/engine.mjs. */
function packageRoot(): URL {
  if (root !== undefined) return root;
  for (let folder = new URL('./', import.meta.url); ; folder = new URL('../', folder)) {
    if (existsSync(new URL('workers/engine.mjs', folder))) return (root = folder);
    if (folder.pathname === '/') throw new Error(`tcp-commands: no workers/engine.mjs above ${import.meta.url}`);
  }
}

/** A file of the package, by its path from the package's folder ('workers/engine.mjs'). */
export function packageFile(path: string): URL {
  return new URL(path, packageRoot());
}
