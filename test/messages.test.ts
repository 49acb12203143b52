// Every error the library or tcpcmd prints shows what was thrown, never `[object Object]`.
import test from 'ava';
import { describeError } from '../src/describe-error.js';
import { run } from './helpers/run.js';

test('describeError: Errors give their stack, lost-class errors their message, the rest is shown', (t) => {
  t.regex(describeError(new TypeError('bad type')), /^TypeError: bad type\n\s+at /);
  t.is(describeError({ name: 'TransformError', message: 'Unexpected "("' }), 'TransformError: Unexpected "("');
  t.is(describeError({ stack: 'SyntaxError: x\n    at y' }), 'SyntaxError: x\n    at y');
  t.is(describeError({ code: 5 }), '{ code: 5 }');
  t.is(describeError('text'), 'text');
  t.is(describeError(undefined), 'undefined');
  for (const thrown of [{}, { name: 'X' }, [1], null, Object.create(null)]) t.false(describeError(thrown).includes('[object'));
});

test('tcpcmd run: a script that throws a plain object prints it, not [object Object]', async (t) => {
  const result = await run(process.execPath, ['bin/tcpcmd.mjs', 'run', 'test/fixtures/scripts/throws-plain-object.ts']).done;
  t.is(result.code, 1);
  t.regex(result.stderr, /failed: .*E_PLAIN.*a plain object, thrown/);
  t.false(result.stderr.includes('[object Object]'));
});
