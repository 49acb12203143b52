// The README's samples run as written from the repository root. A fenced block that
// follows `<!-- runnable -->` (optionally `<!-- runnable; prints: TEXT -->`) is run: a
// `ts` block as a module under .tmp/ (it imports 'tcp-commands' by name, through the
// package's exports), a `sh` block line by line, where a line ending in `&` is a server
// started in the background and awaited until it prints `listening on`. Fixed ports of
// a sh block are swapped for free ones, so that parallel runs do not collide.
import test from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { hasPing } from './helpers/ping.js';
import { closedPort } from './helpers/ports.js';
import { run } from './helpers/run.js';

interface Sample { line: number; language: string; code: string; prints: string | undefined }

function runnableSamples(markdown: string): Sample[] {
  const samples: Sample[] = [];
  const pattern = /<!-- runnable(?:; prints: (.*?))? -->\n```(\w+)\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    samples.push({ line, prints: match[1], language: match[2]!, code: match[3]! });
  }
  return samples;
}

const samples = runnableSamples(readFileSync('README.md', 'utf8'));

test('the README marks its runnable samples (serve(), createPool, tcpcmd)', (t) => {
  t.true(samples.length >= 3, `${samples.length} runnable samples`);
  t.true(samples.some((s) => s.code.includes('serve(')));
  t.true(samples.some((s) => s.code.includes('createPool(')));
  t.true(samples.some((s) => s.language === 'sh' && s.code.includes('tcpcmd run')));
});

for (const sample of samples.filter((s) => s.language === 'ts')) {
  test.serial(`README line ${sample.line}: the ts sample runs`, async (t) => {
    t.timeout(240_000); // a process start takes seconds on a loaded machine
    mkdirSync('.tmp', { recursive: true });
    const file = `.tmp/readme-sample-${sample.line}.ts`;
    writeFileSync(file, sample.code + '\n');
    const result = await run(process.execPath, ['--import=tsx', file]).done;
    t.is(result.code, 0, result.stderr);
    if (sample.prints !== undefined) t.true(result.stdout.includes(sample.prints), result.stdout);
  });
}

/**
 * A sample's line with `npx tcpcmd` run from bin/: npx in the repository installs the
 * repository itself into its cache, which runs its `prepare` (dist/ deleted and rebuilt)
 * under the test files running beside this one (a serve() of theirs failed to load a chunk).
 */
function fromBin(line: string): string {
  return line.replaceAll(/\bnpx tcpcmd\b/g, `"${process.execPath}" bin/tcpcmd.mjs`);
}

/** Starts a background line of a sh sample; resolves once it prints `listening on`. */
async function background(command: string): Promise<ChildProcess> {
  // Its own process group: a server may run as a grandchild, which a signal to its parent
  // alone would leave running.
  const child = spawn('bash', ['-c', `exec ${command}`], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('listening on') && resolve());
    child.once('exit', (code) => reject(new Error(`${command} exited ${code}: ${stderr}`)));
  });
  return child;
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

for (const sample of samples.filter((s) => s.language === 'sh')) {
  test.serial(`README line ${sample.line}: the sh sample runs, line by line`, async (t) => {
    t.timeout(360_000); // every line starts a process: seconds each on a loaded machine
    let code = sample.code;
    for (const fixed of new Set(code.match(/\b7\d{3}\b/g) ?? [])) code = code.replaceAll(fixed, String(await closedPort()));
    const servers: ChildProcess[] = [];
    try {
      for (const line of code.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean)) {
        if (line.endsWith('&')) {
          servers.push(await background(fromBin(line.slice(0, -1).trim())));
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
