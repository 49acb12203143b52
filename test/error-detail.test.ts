// Hints in the errors (issue 29): a code says what kind of mistake, the detail says where
// and what was wanted. TCPGetLastErrorDetail() and the error procedure's message name the
// parameter and what it takes, a URL given as a host name, and the trust store folder a
// verify failure used (absolute: "certs/cacerts" did not say whose working directory).
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '../src/index.js';
import { ErrorCode, TCPConnect, TCPGetLastErrorDetail, TCPReceive, TCPSetTrustStore, WebDevSetConfig } from '../src/index.js';
import { describedCommands, parametersOf } from '../src/commands/parameters.js';
import { makeTestPki } from './helpers/certs.js';
import { startSServer } from './helpers/openssl.js';
import { run } from './helpers/run.js';

/** Runs `body` with an error procedure that collects its calls. */
function hearing(body: () => void): Array<[string, number, string]> {
  const calls: Array<[string, number, string]> = [];
  WebDevSetConfig((message, code, command) => calls.push([message, code, command]));
  try {
    body();
  } finally {
    WebDevSetConfig();
  }
  return calls;
}

test.serial('TCPReceive(s, \'text\'): -501, and the detail names parameter 2 and what it takes', (t) => {
  const calls = hearing(() => {
    t.is(TCPReceive(1, 'text' as unknown as Uint8Array), ErrorCode.WrongType);
  });
  const detail = TCPGetLastErrorDetail();
  t.regex(detail, /^TCPReceive -501: Parameter of the wrong type: parameter 2 \(buffer\): expected a Uint8Array \(a Buffer\).*\{ value \} holder.*; got a string \("text"\)$/);
  t.is(calls.length, 1);
  t.is(calls[0]![0], detail.slice('TCPReceive -501: '.length), 'the error procedure hears the same words');
  t.deepEqual(calls[0]!.slice(1), [-501, 'TCPReceive']);
});

test.serial('a wrong count names the parameters; a bad maxbytes names it; a later success leaves the detail', (t) => {
  t.is((TCPConnect as unknown as () => number)(), ErrorCode.WrongCount);
  t.regex(TCPGetLastErrorDetail(), /expected 2 to 4 parameters \(hostname, serviceOrPort, secure\?, verify\?\); got 0$/);
  t.is(TCPReceive(1, new Uint8Array(4), 0), ErrorCode.InvalidArgument);
  t.regex(TCPGetLastErrorDetail(), /parameter 3 \(maxbytes\): expected a whole number >= 1, or nothing; got the number 0$/);
  t.is(WebDevSetConfig(), 0);
  t.regex(TCPGetLastErrorDetail(), /^TCPReceive -10022/);
});

test.serial('a URL given as a host: the look-up fails as before, and the detail says to give the host name', (t) => {
  const calls = hearing(() => {
    t.true(TCPConnect('http://localhost:8080/x', 80) < 0);
  });
  t.regex(TCPGetLastErrorDetail(), /^TCPConnect -1\d+: .*: host "http:\/\/localhost:8080\/x" looks like a URL: give the host name 'localhost' and the port 8080 as the next parameter$/);
  t.regex(calls[0]![0], /looks like a URL/);
  t.true(api.TCPName2Addr('https://example.com') as number < 0);
  t.regex(TCPGetLastErrorDetail(), /^TCPName2Addr .*give the host name 'example\.com'$/);
});

test.serial('a verify failure names the trust store folder it used, as an absolute path', async (t) => {
  const pki = makeTestPki();
  const folder = mkdtempSync(join(tmpdir(), 'tcp-empty-cacerts-'));
  t.is(TCPSetTrustStore(folder, true), 0);
  const server = await startSServer(pki.file('server.pem'), pki.file('server.key'));
  try {
    const calls = hearing(() => {
      t.is(TCPConnect('localhost', server.port, true), ErrorCode.TlsError);
    });
    t.true(TCPGetLastErrorDetail().includes(`add the CA to the trust store folder ${folder}`), TCPGetLastErrorDetail());
    t.true(api.WebDevGetSecureError().includes(folder));
    t.true(calls[0]![0].includes(folder), calls[0]![0]);
  } finally {
    await server.stop();
    TCPSetTrustStore(join(process.cwd(), 'certs', 'cacerts'), false);
    rmSync(folder, { recursive: true, force: true });
    rmSync(pki.dir, { recursive: true, force: true });
  }
});

test('the parameter table names each command\'s parameters as its signature does', (t) => {
  const exported = api as unknown as Record<string, unknown>;
  for (const name of describedCommands()) {
    const fn = exported[name];
    t.is(typeof fn, 'function', name);
    const source = String(fn);
    const list = source.slice(source.indexOf('(') + 1, source.indexOf(')'));
    const names = list.split(',').map((p) => p.trim().split(/[\s=:]/)[0]!).filter((p) => p !== '');
    // The transpiler may rename a parameter that a module-level name shadows: maxbytes2.
    const table = parametersOf(name)!.map(([parameter]) => parameter);
    t.deepEqual(names.map((actual, i) => (new RegExp(`^${table[i]}\\d+$`).test(actual) ? table[i] : actual)), table, name);
  }
});

test('tcpcmd connect with a URL for a host says what to give instead', async (t) => {
  const result = await run(process.execPath, ['bin/tcpcmd.mjs', 'connect', 'http://127.0.0.1', '9']).done;
  t.is(result.code, 1);
  t.regex(result.stderr, /^tcpcmd connect: http:\/\/127\.0\.0\.1:9: .*: host "http:\/\/127\.0\.0\.1" looks like a URL: give the host name '127\.0\.0\.1'\n$/);
});
