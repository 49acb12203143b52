// Op.Crash and Op.Hang are test hooks (issue 19 item 3): an engine started without
// TCP_COMMANDS_TEST_HOOKS=1 does not know them, so no thread can crash or freeze it.
import test from 'ava';
import { ErrorCode, TCPStats } from '../src/index.js';
import { crashEngine, hangEngine } from '../src/testing.js';

test('without the test-hooks flag, Crash and Hang are unknown operations and the engine goes on', async (t) => {
  t.not(process.env.TCP_COMMANDS_TEST_HOOKS, '1');
  t.is(crashEngine(), ErrorCode.InvalidArgument);
  t.is(hangEngine(), ErrorCode.InvalidArgument);
  await new Promise((resolve) => setTimeout(resolve, 300)); // a crash or hang would have happened by now
  const stats = TCPStats();
  t.true(typeof stats === 'object', String(stats));
  if (typeof stats === 'object') t.is(stats.engineRestarts, 0);
});
