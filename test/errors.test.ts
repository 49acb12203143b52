// The one error table: every code has a text, and Node's errors map into it.
import test from 'ava';
import { codeFromError } from '../src/errors.js';
import { ErrorCode, errorTable, TCPErrorText } from '../src/index.js';

test('every code of the table has its own text', (t) => {
  const table = errorTable();
  t.is(table.length, Object.keys(ErrorCode).length);
  for (const code of Object.values(ErrorCode)) {
    t.false(TCPErrorText(code).startsWith('Unknown error code'), String(code));
  }
  t.is(new Set(table.map((row) => row.text)).size, table.length, 'texts are distinct');
  t.is(TCPErrorText(-10035), 'Operation would block (non-blocking socket)');
  t.is(TCPErrorText(12345), 'Unknown error code 12345');
  // No cast: the type takes a code kept as text, as the docs promise (npm run typecheck fails without it).
  t.is(TCPErrorText('-10035'), 'Operation would block (non-blocking socket)', 'a code held as text');
  t.is(TCPErrorText(' -10054 '), TCPErrorText(-10054), 'spaces around it too');
  t.is(TCPErrorText('10054'), 'Unknown error code 10054', 'a positive number is no code');
  // Found by the fuzz test: the table was an object, so these found Object.prototype's members.
  for (const junk of ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    t.is(TCPErrorText(junk), `Unknown error code ${junk}`);
  }
});

test("Node's error codes map to the table", (t) => {
  const cases: Array<[string, number]> = [
    ['ECONNRESET', -10054],
    ['EPIPE', -10054],
    ['ECONNREFUSED', -10061],
    ['ETIMEDOUT', -10060],
    ['EADDRINUSE', -10048],
    ['EADDRNOTAVAIL', -10049],
    ['EACCES', -10013],
    ['EMFILE', -10024],
    ['ENETUNREACH', -10051],
    ['EHOSTUNREACH', -10065],
    ['ENOTFOUND', -11001],
    ['EAI_AGAIN', -11002],
    ['ENOTCONN', -10057],
    ['EINVAL', -10022],
    ['ENOBUFS', -1010],
  ];
  for (const [code, expected] of cases) t.is(codeFromError(Object.assign(new Error(code), { code })), expected, code);
  const aggregate = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]);
  t.is(codeFromError(aggregate), -10061, "happy eyeballs' AggregateError");
  t.is(codeFromError(new Error('odd')), -10053, 'unknown errors: aborted locally');
  t.is(codeFromError('not an error', -10022), -10022);
});
