/**
 * The import graph of src/, read from the sources with a regular expression (no compiler):
 * every `import ... from '...'`, `export ... from '...'` and side-effect `import '...'` with
 * a relative specifier, `.js` resolved to the `.ts` file beside it. `import type` and
 * `export type` are kept apart: they vanish at run time, so they cannot make a load cycle,
 * but they still say which layer a file depends on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface ImportEdge {
  /** Both paths relative to the root, with forward slashes: 'src/engine/engine-thread.ts'. */
  from: string;
  to: string;
  typeOnly: boolean;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveSpecifier(fromFile: string, specifier: string): string {
  const target = resolve(dirname(fromFile), specifier);
  const asTs = target.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
  return existsSync(asTs) ? asTs : target;
}

/** Every relative import of every .ts file under `root/folder`. */
export function importEdges(root: string, folder = 'src'): ImportEdge[] {
  const name = (path: string): string => relative(root, path).split('\\').join('/');
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(join(root, folder))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      edges.push({ from: name(file), to: name(resolveSpecifier(file, match[3]!)), typeOnly: match[2] !== undefined });
    }
  }
  return edges;
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node)!) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || next.get(node)!.includes(node)) found.push(component.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return found;
}
