// The path rule (docs/install.md, "Install in your project"): every relative path resolves against
// the working directory, never inside the package. Each case runs an application as a
// child process with its own working directory: the default trust store is that folder's
// certs/cacerts, TCP_COMMANDS_CACERTS and TCPSetTrustStore(folder) move it, and a
// listener's 'cert'/'key' file names are found there. tcpcmd certs says which folder.
// Serial: six processes loading TLS at once starve each other's engine on a small machine.
import test from 'ava';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeTestPki } from './helpers/certs.js';

const pki = makeTestPki();
const app = resolve('test/fixtures/paths/tls-app.mjs');
const tcpcmd = resolve('bin/tcpcmd.mjs');
const root = mkdtempSync(join(tmpdir(), 'tcp-paths-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

/** A folder like an application's: server.pem/server.key, and the CA in certs/cacerts if `trusting`. */
function applicationFolder(name: string, trusting: boolean): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(pki.file('server.pem'), join(dir, 'server.pem'));
  copyFileSync(pki.file('server.key'), join(dir, 'server.key'));
  if (trusting) {
    mkdirSync(join(dir, 'certs', 'cacerts'), { recursive: true });
    copyFileSync(pki.file('ca.pem'), join(dir, 'certs', 'cacerts', 'our-ca.pem'));
  }
  return dir;
}

const trusting = applicationFolder('trusting', true);
const plain = applicationFolder('plain', false);

function inFolder(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const environment = { ...process.env };
  delete environment.TCP_COMMANDS_CACERTS; // the parent's setting is no part of the case
  Object.assign(environment, env);
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd, env: environment, timeout: 240_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

async function runApp(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  const result = await inFolder(cwd, [app, ...args], env);
  if (result.code !== 0) throw new Error(`the application failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

test.serial('relative cert/key names and the default trust store are the working directory\'s', async (t) => {
  t.timeout(240_000); // child processes start slowly on a loaded machine
  const result = await runApp(trusting);
  t.is(result.cert, 0, String(result.certError));
  t.is(result.key, 0);
  t.is(result.connect, 'ok', String(result.connectError));
  t.is(result.received, 'hello over verified TLS');
});

test.serial('another working directory without certs/cacerts does not trust that CA', async (t) => {
  t.timeout(240_000); // child processes start slowly on a loaded machine
  const result = await runApp(plain);
  t.is(result.cert, 0, 'server.pem is found in this folder too');
  t.is(result.connect, -1021);
  t.regex(String(result.connectError), /issuer|self.signed|verify/i);
});

test.serial('TCP_COMMANDS_CACERTS, relative, resolves against the working directory', async (t) => {
  t.timeout(240_000); // child processes start slowly on a loaded machine
  const result = await runApp(plain, [], { TCP_COMMANDS_CACERTS: '../trusting/certs/cacerts' });
  t.is(result.connect, 'ok', String(result.connectError));
});

test.serial('TCPSetTrustStore(relative folder) resolves against the working directory', async (t) => {
  t.timeout(240_000); // child processes start slowly on a loaded machine
  const result = await runApp(plain, ['../trusting/certs/cacerts']);
  t.is(result.trustStore, 1, 'one certificate read');
  t.is(result.connect, 'ok', String(result.connectError));
});

test.serial('tcpcmd certs folder says which folder it uses and why', async (t) => {
  t.timeout(240_000); // child processes start slowly on a loaded machine
  const byDefault = await inFolder(trusting, [tcpcmd, 'certs', 'folder']);
  t.is(byDefault.code, 0, byDefault.stderr);
  t.is(byDefault.stdout, `trust store ${join(trusting, 'certs', 'cacerts')} (from the default: certs/cacerts under the working directory)\n`);
  const moved = await inFolder(plain, [tcpcmd, 'certs', 'folder'], { TCP_COMMANDS_CACERTS: 'elsewhere' });
  t.regex(moved.stdout, new RegExp(`^trust store ${join(plain, 'elsewhere')} \\(from \\$TCP_COMMANDS_CACERTS\\) \\(does not exist yet`));
  const listed = await inFolder(trusting, [tcpcmd, 'certs', 'list']);
  t.regex(listed.stdout, new RegExp(`^trust store ${join(trusting, 'certs', 'cacerts')}: 1 certificate`));
});

test.serial('tcpcmd certs add in a new application makes its certs/cacerts', async (t) => {
  t.timeout(240_000); // child processes start slowly on a loaded machine
  const fresh = join(root, 'fresh');
  mkdirSync(fresh);
  const added = await inFolder(fresh, [tcpcmd, 'certs', 'add', pki.file('ca.der')]);
  t.is(added.code, 0, added.stderr);
  t.true(existsSync(join(fresh, 'certs', 'cacerts', 'ca.pem')));
  t.regex(added.stdout, new RegExp(`written to ${join(fresh, 'certs', 'cacerts', 'ca.pem')}`));
});
