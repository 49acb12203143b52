// tcpcmd serve with TLS (issue 25), run as a child process from dist/ (npm run build):
// --verify-client and --client-ca against a Python ssl client, SIGHUP re-reading the
// certificate files in one process and with --processes, the expiry warning; tcpcmd
// certs list's days left.
import test from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeOpensslPki } from './helpers/openssl-pki.js';
import { run } from './helpers/run.js';
import { waitFor } from './helpers/wait-for.js';

const pki = makeOpensslPki();
const greeter = new URL('./fixtures/handlers/greet.ts', import.meta.url).pathname;
const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;
const pythonClient = new URL('./peers/tls_cert_client.py', import.meta.url).pathname;

/** The Python client's one line (tls_cert_client.py), presenting the CA-signed client certificate or none. */
async function python(port: number, withCert: boolean): Promise<string> {
  const certArgs = withCert ? [pki.file('client.pem'), pki.file('client.key')] : [];
  const done = await run('python3', [pythonClient, String(port), '1.3', pki.file('ca.pem'), ...certArgs]).done;
  return (done.stdout + done.stderr).trim();
}

interface Served {
  child: ChildProcess;
  port: number;
  output(): string;
  errors(): string;
}

/** tcpcmd serve with a copy of the expiring certificate (so that it can be replaced) and `flags`. */
async function serveCli(flags: string[]): Promise<Served & { cert: string; key: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-cli-tls-'));
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  copyFileSync(pki.file('expiring.pem'), cert);
  copyFileSync(pki.file('expiring.key'), key);
  const child = spawn(process.execPath, [tcpcmd, 'serve', '--handler', greeter, '--address', '127.0.0.1', '--threads', '1', '--cert', cert, '--key', key, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await waitFor(() => /listening on /.test(output) || child.exitCode !== null, 'tcpcmd serve listening', 120_000);
  const port = Number(/listening on [^ ]+:(\d+)/.exec(output)?.[1] ?? 0);
  return { child, port, cert, key, output: () => output, errors: () => errors };
}

async function stop(served: Served): Promise<number | null> {
  if (served.child.exitCode !== null) return served.child.exitCode;
  const exited = new Promise<number | null>((resolve) => served.child.once('exit', (code) => resolve(code)));
  served.child.kill('SIGTERM');
  return exited;
}

for (const processes of [undefined, 2]) {
  const how = processes === undefined ? 'one process' : `--processes ${processes}`;
  test.serial(`tcpcmd serve --verify-client 2 --client-ca (${how}): SIGHUP re-reads the certificate files; the expiry warning`, async (t) => {
    t.timeout(300_000);
    const served = await serveCli(['--verify-client', '2', '--client-ca', pki.cacerts, ...(processes === undefined ? [] : ['--processes', String(processes)])]);
    t.teardown(() => served.child.kill('SIGKILL'));
    t.not(served.port, 0, served.errors());
    await waitFor(() => /expires in [45] day/.test(served.errors()), 'the expiry warning', 60_000);
    t.is(await python(served.port, true), `${pki.serial('expiring')} received hello`);
    t.notRegex(await python(served.port, false), /received/);

    copyFileSync(pki.file('renewed.pem'), served.cert);
    copyFileSync(pki.file('renewed.key'), served.key);
    served.child.kill('SIGHUP');
    await waitFor(() => /^reloaded$/m.test(served.output()) || /reload failed/.test(served.errors()), 'reloaded', 120_000);
    t.notRegex(served.errors(), /reload failed/);
    t.is(await python(served.port, true), `${pki.serial('renewed')} received hello`);
    t.is(await stop(served), 0, served.errors());
  });
}

test('tcpcmd serve: --verify-client without --cert, or out of range, is a usage error', async (t) => {
  const without = await run(process.execPath, [tcpcmd, 'serve', '--handler', greeter, '--verify-client', '2']).done;
  t.is(without.code, 2, without.stderr);
  t.regex(without.stderr, /--verify-client go with --cert and --key/);
  const range = await run(process.execPath, [tcpcmd, 'serve', '--handler', greeter, '--cert', 'a', '--key', 'b', '--verify-client', '3']).done;
  t.regex(range.stderr, /must be 0, 1 or 2/);
});

test('tcpcmd certs list shows days left, for the trust store and for given files', async (t) => {
  const folder = await run(process.execPath, [tcpcmd, 'certs', 'list', '--folder', pki.cacerts]).done;
  t.is(folder.code, 0, folder.stderr);
  t.regex(folder.stdout, /CN ?= ?tcp-commands Server Test CA[^]*expires \d{4}-\d\d-\d\d\s+file ca\.pem\s+(29|30) days left/);
  const files = await run(process.execPath, [tcpcmd, 'certs', 'list', pki.file('expiring.pem'), pki.file('renewed.pem')]).done;
  t.is(files.code, 0, files.stderr);
  t.regex(files.stdout, /expiring\.pem\s+[45] days left/);
  t.regex(files.stdout, /renewed\.pem\s+(59|60) days left/);
  const junk = await run(process.execPath, [tcpcmd, 'certs', 'list', pki.file('client.key')]).done;
  t.is(junk.code, 1);
  t.regex(junk.stderr, /not a certificate/);
});
