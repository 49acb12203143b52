// The documentation's samples run as written from the repository root: the README and
// every page under docs/ (docs/api/, TypeDoc's output, excepted). So that no block rots
// unnoticed, every `ts`, `js` and `sh` fenced block carries one of these markers on the
// line before it:
//   <!-- runnable -->  or  <!-- runnable; prints: TEXT -->   the block is run (below);
//   <!-- runnable; against: HANDLER; prints: TEXT -->        a ts client run with the
//       arguments `127.0.0.1 PORT` of a `tcpcmd serve --handler HANDLER` started for it;
//   <!-- fragment: REASON -->                                 it cannot run here, and why;
//   <!-- file: PATH -->                                       a copy of (part of) PATH.
// A `ts`/`js` block runs as a module under .tmp/ (it imports 'tcp-commands' by name,
// through the package's exports); a `sh` block line by line, where a line ending in `&`
// is a server started in the background and awaited until it prints `listening on`.
// Fixed ports of a sh block are swapped for free ones, so that parallel runs do not collide.
// The TypeScript samples are also type-checked, strict, with the tsconfig the README gives.
import test from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { createInterface } from 'node:readline';
import { ErrorCode } from '../src/errors.js';
import { hasPing } from './helpers/ping.js';
import { closedPort } from './helpers/ports.js';
import { run } from './helpers/run.js';

interface Block {
  file: string;
  line: number;
  language: string;
  code: string;
  /** The marker comment on the line before the fence, without `<!--` and `-->`. */
  marker: string | undefined;
}

const CHECKED_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'sh', 'bash', 'shell']);

/** README.md and every markdown page under docs/, but not TypeDoc's generated docs/api/. */
function documents(): string[] {
  const pages = readdirSync('docs', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.startsWith(join('docs', 'api')));
  return ['README.md', ...pages.sort()];
}

/** Every fenced block of a markdown text, with the marker comment just above it. */
function blocks(file: string, markdown: string): Block[] {
  const found: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(/^```(\S*)\s*$/);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    const marker = i > 0 ? lines[i - 1]!.match(/^<!-- (.*) -->$/)?.[1] : undefined;
    found.push({ file, line: i + 1, language: open[1]!, code: lines.slice(i + 1, end).join('\n'), marker });
    i = end;
  }
  return found;
}

const texts = new Map(documents().map((file) => [file, readFileSync(file, 'utf8')]));
const all = [...texts].flatMap(([file, text]) => blocks(file, text));
const checked = all.filter((b) => CHECKED_LANGUAGES.has(b.language));

interface Runnable extends Block {
  prints: string | undefined;
  against: string | undefined;
}
function runnable(block: Block): Runnable | undefined {
  const marker = block.marker?.match(/^runnable(?:; against: (.+?))?(?:; prints: (.*))?$/);
  return marker ? { ...block, against: marker[1], prints: marker[2] } : undefined;
}
const samples = checked.map(runnable).filter((s): s is Runnable => s !== undefined);

test('every ts, js and sh block is runnable, a fragment with its reason, or a copy of a file', (t) => {
  const unmarked = checked.filter((b) => !/^(runnable\b|fragment: \S|file: \S)/.test(b.marker ?? ''));
  t.deepEqual(unmarked.map((b) => `${b.file}:${b.line}`), []);
  t.true(checked.length >= 35, `${checked.length} blocks found: the parser lost some`);
});

test('a block marked as a copy of a file matches that file', (t) => {
  const copies = checked.filter((b) => b.marker?.startsWith('file: '));
  t.true(copies.length >= 1);
  for (const copy of copies) {
    const path = copy.marker!.slice('file: '.length);
    t.true(readFileSync(path, 'utf8').includes(copy.code), `${copy.file}:${copy.line} is no longer what ${path} holds`);
  }
});

test('the samples cover serve(), createPool, tcpcmd and every porting guide', (t) => {
  t.true(samples.some((s) => s.code.includes('serve(')));
  t.true(samples.some((s) => s.code.includes('createPool(')));
  t.true(samples.some((s) => s.language === 'sh' && s.code.includes('tcpcmd run')));
  for (const guide of ['porting-omnis', 'porting-python', 'porting-capl-halcon']) {
    t.true(samples.some((s) => s.file.includes(guide)), `${guide} has no runnable sample`);
  }
  t.true(samples.some((s) => s.file === 'README.md' && s.against !== undefined), "the README's first script runs");
});

test('the README is a front page: at most 300 lines, with a table of contents', (t) => {
  const readme = texts.get('README.md')!;
  t.true(readme.split('\n').length <= 300, `${readme.split('\n').length} lines`);
  t.regex(readme, /^## Contents$/m);
  for (const [, anchor] of readme.matchAll(/\]\(#([^)]+)\)/g)) t.true(anchorsOf(readme).has(anchor!), `#${anchor}`);
});

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const outside = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  return new Set(
    [...outside.matchAll(/^#+ (.+)$/gm)].map((m) =>
      m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replaceAll(' ', '-'),
    ),
  );
}

test('every relative link of the documentation leads to a file, and to a heading it has', (t) => {
  const broken: string[] = [];
  let links = 0;
  for (const [file, text] of texts) {
    const outside = text.replace(/^```[\s\S]*?^```$/gm, '');
    for (const [, target] of outside.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
      links++;
      const [path, anchor] = target!.split('#');
      const resolved = path ? normalize(join(dirname(file), path)) : file;
      if (!existsSync(resolved)) {
        broken.push(`${file}: ${target} (no ${resolved})`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${file}: ${target} (no heading #${anchor})`);
      }
    }
  }
  t.true(links >= 50, `${links} links found`);
  t.deepEqual(broken, []);
});

test('troubleshooting has a row for every error code, with what to do', (t) => {
  const page = texts.get(join('docs', 'troubleshooting.md'))!;
  for (const code of Object.values(ErrorCode)) {
    t.regex(page, new RegExp(`^\\| (-\\d+ / )?${code}( / -\\d+)? \\|[^|]+\\|\\s*\\S[^|]*\\|$`, 'm'), String(code));
  }
});

test("the README's tsconfig type-checks every runnable TypeScript sample, strict", async (t) => {
  t.timeout(240_000); // one tsc run over the samples and the package's declarations
  // The tsconfig a newcomer is told to write: the README's json block with compilerOptions.
  const tsconfig = all.find((b) => b.file === 'README.md' && b.language === 'json' && b.code.includes('compilerOptions'));
  t.truthy(tsconfig, 'the README shows a tsconfig');
  const config = JSON.parse(tsconfig!.code) as { compilerOptions: Record<string, unknown> };
  const folder = '.tmp/typecheck';
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // noEmit: checked, nothing written; the samples import 'tcp-commands' by name (dist's declarations).
  writeFileSync(`${folder}/tsconfig.json`, JSON.stringify({ compilerOptions: { ...config.compilerOptions, noEmit: true } }));
  const typescript = samples.filter((s) => s.language === 'ts' || s.language === 'typescript');
  for (const sample of typescript) writeFileSync(`${folder}/${sample.file.replaceAll(/[\\/.]/g, '-')}-${sample.line}.ts`, sample.code + '\n');
  t.true(typescript.length >= 10, `${typescript.length} samples`);
  const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', folder]).done;
  t.is(result.code, 0, result.stdout + result.stderr);
});

/** Runs at most `limit` of the ts samples at once: each is a node process with tsx. */
function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
// Two at a time: each sample starts its own engine and pool threads; the machine has two
// cores and other test files run beside this one.
const slot = limiter(2);

/**
 * A sample's line with `npx tcpcmd` run from bin/: npx in the repository installs the
 * repository itself into its cache, which runs its `prepare` (dist/ deleted and rebuilt)
 * under the test files running beside this one (a serve() of theirs failed to load a chunk).
 */
function fromBin(line: string): string {
  return line.replaceAll(/\bnpx tcpcmd\b/g, `"${process.execPath}" bin/tcpcmd.mjs`);
}

/** Starts a background line of a sh sample; resolves with the `listening on` line once printed. */
async function background(command: string): Promise<{ child: ChildProcess; listening: string }> {
  // Its own process group: a server may run as a grandchild, which a signal to its parent
  // alone would leave running.
  const child = spawn('bash', ['-c', `exec ${command}`], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const listening = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('listening on') && resolve(line));
    child.once('exit', (code) => reject(new Error(`${command} exited ${code}: ${stderr}`)));
  });
  return { child, listening };
}

/** SIGTERM to a background line's whole process group; resolves when its leader is gone. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  await exited;
  child.stdout?.destroy();
  child.stderr?.destroy();
}

for (const sample of samples.filter((s) => /^(ts|typescript|js|javascript|mjs)$/.test(s.language))) {
  test(`${sample.file} line ${sample.line}: the sample runs`, async (t) => {
    t.timeout(240_000); // a process start takes seconds on a loaded machine
    await slot(async () => {
      mkdirSync('.tmp', { recursive: true });
      const name = sample.file.replaceAll(/[\\/.]/g, '-');
      const file = `.tmp/sample-${name}-${sample.line}.${sample.language.startsWith('t') ? 'ts' : 'mjs'}`;
      writeFileSync(file, sample.code + '\n');
      let server: ChildProcess | undefined;
      const args: string[] = [];
      try {
        if (sample.against !== undefined) {
          const started = await background(fromBin(`npx tcpcmd serve --handler ${sample.against} --address 127.0.0.1 --port 0 --threads 1`));
          server = started.child;
          args.push('127.0.0.1', started.listening.match(/:(\d+)/)![1]!);
        }
        const result = await run(process.execPath, ['--import=tsx', file, ...args]).done;
        t.is(result.code, 0, result.stderr);
        if (sample.prints !== undefined) t.true(result.stdout.includes(sample.prints), result.stdout);
      } finally {
        if (server) await stopGroup(server);
      }
    });
  });
}

for (const sample of samples.filter((s) => /^(sh|bash|shell)$/.test(s.language))) {
  test.serial(`${sample.file} line ${sample.line}: the sh sample runs, line by line`, async (t) => {
    t.timeout(360_000); // every line starts a process: seconds each on a loaded machine
    let code = sample.code;
    for (const fixed of new Set(code.match(/\b7\d{3}\b/g) ?? [])) code = code.replaceAll(fixed, String(await closedPort()));
    const servers: ChildProcess[] = [];
    try {
      for (const line of code.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean)) {
        if (line.endsWith('&')) {
          servers.push((await background(fromBin(line.slice(0, -1).trim()))).child);
          continue;
        }
        if (/\btcpcmd ping\b/.test(line) && !hasPing) {
          t.log(`skipped (no ping program): ${line}`);
          continue;
        }
        const result = await run('bash', ['-c', fromBin(line)]).done;
        t.is(result.code, 0, `${line}\n${result.stdout}${result.stderr}`);
        t.not(result.stdout.trim(), '', `${line} printed nothing`);
        const comment = sample.code.split('\n').find((l) => l.includes(line.split(' ').slice(0, 4).join(' ')))?.match(/#\s*(.*)$/)?.[1];
        if (comment !== undefined) t.is(result.stdout.trim(), comment.trim(), line);
      }
    } finally {
      await Promise.all(servers.map(stopGroup));
    }
  });
}
