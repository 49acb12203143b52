// tcpcmd certs, run as a child process: add (DER converted to PEM, junk refused), list,
// check against real openssl s_server processes, and usage errors.
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki } from './helpers/certs.js';
import { startSServer } from './helpers/openssl.js';
import { run } from './helpers/run.js';

const pki = makeTestPki();

function tcpcmd(...args: string[]) {
  return run(process.execPath, ['bin/tcpcmd.mjs', ...args]).done;
}

test('certs add converts DER to PEM, list shows it, check verifies against it', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'tcp-cli-cacerts-'));
  const added = await tcpcmd('certs', 'add', pki.file('ca.der'), '--folder', folder, '--name', 'test-ca');
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /added CN=tcp-commands Test CA/);
  t.true(readFileSync(join(folder, 'test-ca.pem'), 'utf8').startsWith('-----BEGIN CERTIFICATE-----'));

  const again = await tcpcmd('certs', 'add', pki.file('ca.pem'), '--folder', folder, '--name', 'test-ca');
  t.is(again.code, 1, 'no silent overwrite');
  t.regex(again.stderr, /exists/);

  writeFileSync(join(folder, 'notes.txt'), 'not a certificate');
  const listed = await tcpcmd('certs', 'list', '--folder', folder);
  t.is(listed.code, 0);
  t.regex(listed.stdout, /1 certificate\(s\)/);
  t.regex(listed.stdout, /CN=tcp-commands Test CA[^]*expires \d{4}-\d\d-\d\d\s+file test-ca\.pem/);
  t.regex(listed.stdout, /skipped notes\.txt: not a certificate/);

  const good = await startSServer(pki.file('server.pem'), pki.file('server.key'));
  const expired = await startSServer(pki.file('expired.pem'), pki.file('expired.key'));
  try {
    const ok = await tcpcmd('certs', 'check', `localhost:${good.port}`, '--folder', folder, '--only');
    t.is(ok.code, 0, ok.stdout + ok.stderr);
    t.regex(ok.stdout, /^ok: localhost:\d+ verified \(TLSv1\.[23], /);
    const bad = await tcpcmd('certs', 'check', 'localhost', String(expired.port), '--folder', folder, '--only');
    t.is(bad.code, 1);
    t.regex(bad.stdout, /^failed: .*expired/);
    const untrusted = await tcpcmd('certs', 'check', `127.0.0.1:${good.port}`, '--only', '--folder', mkdtempSync(join(tmpdir(), 'e-')));
    t.is(untrusted.code, 1);
    t.regex(untrusted.stdout, /does not lead to a trusted CA/);
  } finally {
    await good.stop();
    await expired.stop();
  }
});

test('certs add refuses what is not a certificate; usage errors exit 2', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'tcp-cli-cacerts-'));
  const junk = join(folder, 'junk.bin');
  writeFileSync(junk, 'garbage');
  const refused = await tcpcmd('certs', 'add', junk, '--folder', folder);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /is not a certificate/);
  t.false(existsSync(join(folder, 'junk.pem')));

  for (const args of [['certs'], ['certs', 'frobnicate'], ['certs', 'add'], ['certs', 'list', '--bogus'], ['certs', 'check', 'no-port-here'], ['nonsense']]) {
    const result = await tcpcmd(...args);
    t.is(result.code, 2, args.join(' '));
    t.regex(result.stderr, /usage/i, args.join(' '));
  }
  const help = await tcpcmd('certs', '--help');
  t.is(help.code, 0);
  t.regex(help.stdout, /tcpcmd certs check HOST:PORT/);
});
