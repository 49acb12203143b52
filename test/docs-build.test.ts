// The API reference (`npm run docs`: TypeDoc over src/index.ts, typedoc.json) builds with
// no warning: every export documented, no broken link (typedoc.json turns warnings into
// errors). On top of TypeDoc's own validation, which asks only for some comment: every
// signature documents each parameter and its result, and every command that answers with
// a number names its error codes in @returns (hover help listed too few of them once).
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './helpers/run.js';

const typedoc = 'node_modules/typedoc/bin/typedoc';
// Where dev dependencies are not installed (npm ci --omit=dev), there is nothing to run.
const hasTypedoc = existsSync(typedoc);

interface Comment {
  summary?: Array<{ text: string }>;
  blockTags?: Array<{ tag: string; content: Array<{ text: string }> }>;
}
interface Node {
  name: string;
  kind: number;
  comment?: Comment;
  signatures?: Node[];
  parameters?: Node[];
  children?: Node[];
  type?: { type: string; name?: string; types?: Array<{ type: string; name?: string; declaration?: Node }>; declaration?: Node };
}

const CALL_SIGNATURE = 4096;
const text = (parts: Array<{ text: string }> | undefined): string => (parts ?? []).map((p) => p.text).join('');

/** Every call signature under a node, named by its path (functions, methods, callback members). */
function signatures(node: Node, path: string[] = []): Array<{ name: string; signature: Node }> {
  const found = (node.signatures ?? []).filter((s) => s.kind === CALL_SIGNATURE).map((signature) => ({ name: path.join('.'), signature }));
  for (const child of node.children ?? []) found.push(...signatures(child, [...path, child.name]));
  if (node.type?.declaration) found.push(...signatures(node.type.declaration, path));
  return found;
}

/** Every comment's text in the reference, with where it is: declarations, signatures, parameters, members of object types. */
function comments(node: Node, path: string[] = []): Array<{ name: string; comment: string }> {
  const all = (n: Node): string => [...(n.comment?.summary ?? []), ...(n.comment?.blockTags ?? []).flatMap((tag) => tag.content)].map((p) => p.text).join('');
  const found = [{ name: path.join('.'), comment: all(node) }];
  for (const signature of node.signatures ?? []) {
    found.push({ name: `${path.join('.')}()`, comment: all(signature) });
    for (const parameter of signature.parameters ?? []) found.push(...comments(parameter, [...path, parameter.name]));
  }
  for (const child of node.children ?? []) found.push(...comments(child, [...path, child.name]));
  if (node.type?.declaration) found.push(...comments(node.type.declaration, path));
  for (const member of node.type?.types ?? []) if (member.declaration) found.push(...comments(member.declaration, path));
  return found;
}

const returnsVoid = (s: Node): boolean => s.type?.type === 'intrinsic' && s.type.name === 'void';
const returnsNumber = (s: Node): boolean =>
  (s.type?.type === 'intrinsic' && s.type.name === 'number') || (s.type?.type === 'union' && s.type.types!.some((t) => t.name === 'number'));

(hasTypedoc ? test : test.skip)("npm run docs builds the API reference with no warning; every signature documents its parameters and result; no comment points to a file the package does not ship", async (t) => {
  t.timeout(240_000); // TypeDoc compiles the sources: tens of seconds on a loaded machine
  const out = mkdtempSync(join(tmpdir(), 'tcp-commands-docs-'));
  try {
    // The project's configuration (typedoc.json, warnings as errors), written elsewhere.
    const result = await run(process.execPath, [typedoc, '--out', join(out, 'html'), '--json', join(out, 'api.json')]).done;
    t.is(result.code, 0, result.stdout + result.stderr);
    t.notRegex(result.stdout + result.stderr, /\[warning\]|\[error\]/);

    const api = JSON.parse(readFileSync(join(out, 'api.json'), 'utf8')) as Node;
    const all = signatures(api);
    t.true(all.length >= 100, `${all.length} signatures: the walk lost some`);
    const missing: string[] = [];
    for (const { name, signature } of all) {
      const tags = signature.comment?.blockTags ?? [];
      const returns = tags.find((tag) => tag.tag === '@returns');
      if (!returns && !returnsVoid(signature)) missing.push(`${name}: @returns`);
      for (const parameter of signature.parameters ?? []) {
        if (text(parameter.comment?.summary).trim() === '') missing.push(`${name}: @param ${parameter.name}`);
      }
      // A command answers with a number, negative for an error: its codes belong in the hover help.
      if (/^(TCP|UDP|WebDev)[A-Z]/.test(name) && returnsNumber(signature) && returns && !/-\d{1,5}\b/.test(text(returns.content))) {
        missing.push(`${name}: @returns names no error code`);
      }
    }
    t.deepEqual(missing, []);

    // Hover help reaches users through the package: it must not send them to a file the
    // package does not ship (two comments once named source files).
    const pointers: string[] = [];
    for (const { name, comment } of comments(api)) {
      const found = comment.match(/\b(?:src|test|docs|bench)\/|[\w.-]+\.(?:ts|mts|mjs|md)\b/g)?.filter((f) => f !== 'README.md');
      if (found?.length) pointers.push(`${name}: ${found.join(', ')}`);
    }
    t.deepEqual(pointers, []);

    // The commands that once said least (TCPConnect named neither -1021 nor WebDevGetSecureError).
    const connect = all.find((s) => s.name === 'TCPConnect')!.signature;
    const connectReturns = text(connect.comment!.blockTags!.find((tag) => tag.tag === '@returns')!.content);
    t.regex(connectReturns, /-1021/);
    t.regex(connectReturns, /WebDevGetSecureError/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('typedoc.json keeps the validation that makes an undocumented export or a broken link fail', (t) => {
  const config = JSON.parse(readFileSync('typedoc.json', 'utf8')) as { entryPoints: string[]; treatWarningsAsErrors: boolean; validation: Record<string, boolean> };
  t.deepEqual(config.entryPoints, ['src/index.ts']);
  t.true(config.treatWarningsAsErrors);
  t.deepEqual(config.validation, { notExported: true, invalidLink: true, notDocumented: true });
  const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; exports: Record<string, unknown> };
  t.is(packageJson.scripts['docs'], 'typedoc');
  // The package exports one module (and its package.json): the entry point covers it.
  t.deepEqual(Object.keys(packageJson.exports), ['.', './package.json']);
});
