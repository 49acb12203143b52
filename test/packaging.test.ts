// What a user does with the published package (issue 13): `npm pack`, install the
// tarball into a fresh project, and from that project import it (.mjs and .ts), check
// its types under tsc --strict (node16 and bundler resolution), run `npx tcpcmd`, serve
// with the project's own handler file, and make a verified TLS connection that trusts a
// CA in the project's certs/cacerts. The project's files are test/fixtures/package/.
import { type Done, runAsUser, userEnvironment } from './helpers/user-shell.js';
import test from 'ava';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { makeTestPki } from './helpers/certs.js';
import { run } from './helpers/run.js';

const repo = process.cwd();
const tsc = resolve('node_modules/typescript/bin/tsc');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const root = mkdtempSync(join(tmpdir(), 'tcp-package-'));
const project = join(root, 'app');
let tarball = '';

function inProject(command: string, args: string[], cwd = project, timeout = 180_000): Promise<Done> {
  return runAsUser(command, args, cwd, timeout);
}

test.before(async (t) => {
  t.timeout(300_000);
  // --ignore-scripts: dist/ is built by pretest; rebuilding it here would change it under
  // the other test files' feet.
  const packed = await inProject('npm', ['pack', '--ignore-scripts', '--pack-destination', root, '--json'], repo);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  tarball = join(root, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  mkdirSync(project);
  cpSync(resolve('test/fixtures/package'), project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'an-app', private: true, type: 'module' }));
  const installed = await inProject('npm', ['install', tarball, '@types/node@^20.19', '--prefer-offline', '--no-audit', '--no-fund']);
  if (installed.code !== 0) throw new Error(`npm install failed: ${installed.stderr}`);
});

test.after.always(() => rmSync(root, { recursive: true, force: true }));

test.serial('the tarball holds dist, bin, workers, examples and docs; no tests, benches, CI, sources or build leftovers', async (t) => {
  t.timeout(240_000); // a process start or a tsc run takes tens of seconds on a loaded machine
  const listed = await inProject('tar', ['-tzf', tarball], root);
  const files = listed.stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
  t.true(files.includes('dist/index.js') && files.includes('dist/index.d.ts') && files.includes('dist/engine/engine-thread.js'));
  for (const needed of ['bin/tcpcmd.mjs', 'workers/engine.mjs', 'workers/pool-worker.mjs', 'LICENSE', 'README.md', 'package.json', 'certs/cacerts/README.md']) {
    t.true(files.includes(needed), needed);
  }
  // Examples ship (issue 29): `tcpcmd serve --handler node_modules/tcp-commands/examples/...`.
  t.true(files.includes('examples/handlers/line-requests.ts') && files.includes('examples/handlers/http-keepalive.ts'));
  // The documentation ships (issue 29), so that the README's links to docs/ lead somewhere in
  // node_modules: its markdown pages, not TypeDoc's generated docs/api/ (npm run docs).
  t.true(files.includes('docs/index.md') && files.includes('docs/troubleshooting.md') && files.includes('docs/guides/porting-omnis.md'));
  t.deepEqual(files.filter((f) => f.startsWith('docs/') && !f.endsWith('.md')), []);
  const unwanted = files.filter((f) => /^(test|bench|\.ci|src|examples\/lib)\/|\.map$|\.tsbuildinfo$|build-stamp|testing\./.test(f));
  t.deepEqual(unwanted, []);
  const installed = readdirSync(join(project, 'node_modules', 'tcp-commands')).sort();
  t.deepEqual(installed, ['LICENSE', 'README.md', 'bin', 'certs', 'dist', 'docs', 'examples', 'package.json', 'workers']);
  // No script runs when an application installs the package (npm 11 warns of any): prepack builds instead.
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'tcp-commands', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  t.deepEqual(['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => manifest.scripts?.[name] !== undefined), []);
});

test.serial('imported from an .mjs file, package.json included', async (t) => {
  t.timeout(240_000); // a process start or a tsc run takes tens of seconds on a loaded machine
  const result = await inProject(process.execPath, ['use.mjs']);
  t.is(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { version: string; functions: string[]; refused: string };
  t.is(out.version, version);
  t.deepEqual(out.functions, ['function', 'function', 'function']);
  t.regex(out.refused, /refused/i);
});

test.serial('imported from a .ts file, run with the installed tsx', async (t) => {
  t.timeout(240_000); // a process start or a tsc run takes tens of seconds on a loaded machine
  const result = await inProject(process.execPath, [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'use.ts']);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(JSON.parse(result.stdout), { socket: true, text: (JSON.parse(result.stdout) as { text: string }).text, serve: 'function' });
});

for (const resolution of ['node16', 'bundler']) {
  test.serial(`types resolve under tsc --strict with moduleResolution ${resolution}`, async (t) => {
  t.timeout(240_000); // a process start or a tsc run takes tens of seconds on a loaded machine
    const result = await inProject(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`]);
    t.is(result.code, 0, result.stdout + result.stderr);
  });
}

test.serial('npx tcpcmd --help and --version', async (t) => {
  t.timeout(240_000); // a process start or a tsc run takes tens of seconds on a loaded machine
  const help = await inProject('npx', ['tcpcmd', '--help']);
  t.is(help.code, 0, help.stderr);
  t.regex(help.stdout, /usage: tcpcmd SUBCOMMAND/);
  const shown = await inProject('npx', ['tcpcmd', '--version']);
  t.is(shown.code, 0, shown.stderr);
  t.is(shown.stdout.trim(), version);
});

test.serial('serve() with the project\'s handler file answers a real client', async (t) => {
  t.timeout(240_000); // a process start or a tsc run takes tens of seconds on a loaded machine
  const server = spawn(process.execPath, ['server.mjs'], { cwd: project, env: userEnvironment() });
  let stderr = '';
  server.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => server.once('exit', done));
  // Every line is kept: the second may come while the client runs.
  const lines: string[] = [];
  createInterface({ input: server.stdout }).on('line', (line) => lines.push(line));
  const nthLine = async (n: number): Promise<string> => {
    const deadline = Date.now() + 60_000;
    while (lines.length < n && server.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return lines[n - 1] ?? '';
  };
  const first = await nthLine(1);
  const port = /^listening (\d+)$/.exec(first)?.[1];
  t.truthy(port, first + stderr);
  if (port === undefined) {
    server.kill();
    return;
  }
  const client = await run('python3', ['-c', `
import socket
s = socket.create_connection(('127.0.0.1', ${port}), timeout=30)
s.sendall(b'hello from python\\n')
s.shutdown(socket.SHUT_WR)
data = b''
while True:
    chunk = s.recv(1000)
    if not chunk: break
    data += chunk
print(data.decode(), end='')
`]).done;
  t.is(client.stdout, 'hello from python\n', client.stderr);
  const stats = await nthLine(2);
  t.like(JSON.parse(stats || '{}'), { completed: 1, failed: 0 }, stderr);
  t.is(await exited, 0, stderr);
});

test.serial('a verified TLS connection trusts the CA in the project\'s certs/cacerts', async (t) => {
  t.timeout(240_000); // a process start or a tsc run takes tens of seconds on a loaded machine
  const pki = makeTestPki();
  mkdirSync(join(project, 'certs', 'cacerts'), { recursive: true });
  cpSync(pki.file('ca.pem'), join(project, 'certs', 'cacerts', 'our-ca.pem'));
  cpSync(pki.file('server.pem'), join(project, 'server.pem'));
  cpSync(pki.file('server.key'), join(project, 'server.key'));
  cpSync(resolve('test/fixtures/paths/tls-app.mjs'), join(project, 'tls-app.mjs'));
  const result = await inProject(process.execPath, ['tls-app.mjs']);
  t.is(result.code, 0, result.stderr);
  t.like(JSON.parse(result.stdout), { cert: 0, key: 0, connect: 'ok', received: 'hello over verified TLS' }, result.stdout + result.stderr);
  const folder = await inProject('npx', ['tcpcmd', 'certs', 'folder']);
  t.is(folder.stdout, `trust store ${join(project, 'certs', 'cacerts')} (from the default: certs/cacerts under the working directory)\n`);
  rmSync(pki.dir, { recursive: true, force: true });
});
