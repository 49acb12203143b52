/**
 * The layers of docs/ARCHITECTURE.md ("Layers"), checked on the sources: imports point one
 * way (commands -> channel -> protocol; engine -> protocol), no module is part of a load
 * cycle, and the shared layer runs nothing of either side.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Op } from '../src/protocol.js';
import { cycles, type ImportEdge, importEdges } from './helpers/import-graph.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const edges = importEdges(root);
const runtime = edges.filter((edge) => !edge.typeOnly);
const show = (found: readonly ImportEdge[]): string[] =>
  found.map(({ from, to, typeOnly }) => `${from} -> ${to}${typeOnly ? ' (type)' : ''}`);

/** What both sides share; they import nothing but each other and node: modules. */
const SHARED = ['src/protocol.ts', 'src/direct-layout.ts', 'src/engine-stats.ts'];

/** Imports that break a rule in a file another lane owns, to be fixed there (delete the entry then). */
const KNOWN_EXCEPTIONS = new Set<string>([]);

test('the import parser sees the imports it is meant to see', (t) => {
  const has = (from: string, to: string, typeOnly: boolean): boolean =>
    edges.some((edge) => edge.from === from && edge.to === to && edge.typeOnly === typeOnly);
  t.true(has('src/commands/command.ts', 'src/channel/caller.ts', false));
  t.true(has('src/commands/receive.ts', 'src/channel/caller.ts', true)); // import type { Channel }
  t.true(has('src/engine/dispatch.ts', 'src/engine/slot.ts', true)); // import type
  t.true(has('src/index.ts', 'src/commands/receive.ts', false)); // export ... from
  t.true(edges.length > 300, `only ${edges.length} imports found`);
  t.deepEqual(
    cycles([
      { from: 'a', to: 'b', typeOnly: false },
      { from: 'b', to: 'c', typeOnly: false },
      { from: 'c', to: 'a', typeOnly: false },
      { from: 'c', to: 'd', typeOnly: false },
    ]),
    [['a', 'b', 'c']],
  );
});

test('no module of src/ is part of an import cycle (type imports aside: they vanish at run time)', (t) => {
  t.deepEqual(cycles(runtime), []);
});

test('nothing in src/ imports the public surface (src/index.ts): a pool thread loads what it uses', (t) => {
  t.deepEqual(show(edges.filter((edge) => edge.to === 'src/index.ts')), []);
});

test('the engine imports no caller code', (t) => {
  const callerCode = /^src\/(commands|channel|pool|server|events|async|cli|scale)\/|^src\/index\.ts$/;
  t.deepEqual(show(edges.filter((edge) => edge.from.startsWith('src/engine/') && callerCode.test(edge.to))), []);
});

test('commands (and every other caller-side file) reach the engine only through the channel, type imports too', (t) => {
  const callerSide = /^src\/(commands|channel|pool|server|events|async|cli|scale)\//;
  const found = show(edges.filter((edge) => callerSide.test(edge.from) && edge.to.startsWith('src/engine/')));
  t.deepEqual(found.filter((edge) => !KNOWN_EXCEPTIONS.has(edge)), []);
});

test('the server layer sits above the pool and the processes: pool/ and scale/ import nothing of server/, type imports too', (t) => {
  const below = /^src\/(pool|scale)\//;
  t.deepEqual(show(edges.filter((edge) => below.test(edge.from) && edge.to.startsWith('src/server/'))), []);
  // serve()'s contract is the leaf both sides import: it imports neither side.
  t.deepEqual(show(edges.filter((edge) => edge.from === 'src/serve-types.ts' && /^src\/(server|scale)\//.test(edge.to))), []);
  t.true(edges.some((edge) => edge.from === 'src/server/serve.ts' && edge.to === 'src/scale/processes.ts'));
});

test('the shared layer imports nothing but itself and node: modules', (t) => {
  const outside = edges.filter((edge) => SHARED.includes(edge.from) && !SHARED.includes(edge.to));
  t.deepEqual(show(outside), []);
  for (const file of SHARED) {
    const packages = [...readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').matchAll(/from\s+'([^.'][^']*)'/g)];
    t.deepEqual(
      packages.map((match) => match[1]).filter((name) => !name!.startsWith('node:')),
      [],
      file,
    );
  }
});

/** Every text file of the repository's own code and documents. */
function repositoryTexts(): Array<{ file: string; text: string }> {
  const folders = ['src', 'workers', 'bench', 'test', 'examples', 'bin', 'docs'];
  const files = folders.flatMap((folder) =>
    readdirSync(new URL(`../${folder}/`, import.meta.url), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(ts|mts|mjs|js|md|py)$/.test(entry.name))
      .map((entry) => join(relative(root, entry.parentPath), entry.name))
      .filter((file) => !file.split(/[\\/]/).includes('node_modules'))
      // TypeDoc's output (npm run docs), not kept in the repository.
      .filter((file) => !file.startsWith(join('docs', 'api'))),
  );
  return [...files, 'README.md'].map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
}

test('no comment points to a document outside the repository', (t) => {
  const outside = new RegExp(`\\b(${['DESIGN', 'SPEC'].join('|')})\\.md\\b`);
  t.deepEqual(repositoryTexts().filter(({ text }) => outside.test(text)).map(({ file }) => file), []);
});

test('every pointer to a section of docs/ARCHITECTURE.md names a section it has', (t) => {
  const architecture = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');
  const sections = new Set([...architecture.matchAll(/^#+ (.+)$/gm)].map((match) => match[1]!));
  const pointers = repositoryTexts().flatMap(({ file, text }) =>
    [...text.replace(/\n\s*(\*|\/\/)?\s*/g, ' ').matchAll(/ARCHITECTURE\.md\)?, "([^"]+)"/g)].map((match) => ({ file, section: match[1]! })),
  );
  t.true(pointers.length >= 5, `only ${pointers.length} pointers found`);
  t.deepEqual(pointers.filter(({ section }) => !sections.has(section)), []);
});

test('docs/ARCHITECTURE.md lists every operation of the wire protocol', (t) => {
  const architecture = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');
  const rows = architecture.split('\n').filter((line) => line.startsWith('| '));
  const missing = Object.keys(Op).filter((name) => !rows.some((row) => new RegExp(`\\b${name}\\b`).test(row.split('|')[1]!)));
  t.deepEqual(missing, []);
});
