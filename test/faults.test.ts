// Engine faults: the engine thread crashes or is terminated under blocked callers. They
// must come back with -10050 within 2 s (a silent hang, noticed by a missed heartbeat:
// within 6 s), and later commands run on a fresh engine.
// Serial: every test here kills the process's engine.
import test from 'ava';
import { ErrorCode, TCPClose, TCPConnect, TCPReceive, TCPSend, TCPStats } from '../src/index.js';
import { crashEngine, enableTestHooks, hangEngine, terminateEngine } from '../src/testing.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveExactly } from './helpers/receive.js';
import { parkedInEngine, waitFor } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';

enableTestHooks(); // before the first command starts this process's engine

async function faultUnderBlockedCaller(t: import('ava').ExecutionContext, fault: () => unknown, withinMs = 2000): Promise<void> {
  const echo = await startPythonPeer('echo');
  try {
    const quiet = TCPConnect('127.0.0.1', echo.port);
    t.true(quiet > 0);
    const before = TCPStats();
    t.true(typeof before === 'object');
    const blocked = startWorkerFixture('blocked-receive-worker.ts', { socket: quiet });
    t.is(await blocked.nextMessage(), 'receiving');
    const parkedBefore = typeof before === 'object' ? before.parked : 0;
    await waitFor(() => parkedInEngine() > parkedBefore, 'the worker blocks in TCPReceive (parked in the engine)');
    const started = Date.now();
    await fault();
    t.deepEqual(await blocked.nextMessage(), { n: ErrorCode.EngineDown, text: '' });
    const elapsed = Date.now() - started;
    t.true(elapsed < withinMs, `the blocked caller came back after ${elapsed} ms`);
    t.log(`came back after ${elapsed} ms`);
    await blocked.exited;

    // A fresh engine: commands work, numbers go on, the old socket is gone.
    const fresh = TCPConnect('127.0.0.1', echo.port);
    t.true(fresh > quiet, `a new number (${fresh}) after the old ones`);
    t.is(TCPSend(fresh, 'after'), 5);
    t.is(Buffer.from(receiveExactly(fresh, 5)).toString(), 'after');
    t.is(TCPReceive(quiet, new Uint8Array(4)), ErrorCode.InvalidSocket);
    const after = TCPStats();
    t.true(typeof after === 'object' && typeof before === 'object' && after.engineRestarts === before.engineRestarts + 1);
    TCPClose(fresh);
  } finally {
    await echo.stop();
  }
}

test.serial('the engine crashes (an exception in its event loop): blocked callers get -10050, a new engine comes', async (t) => {
  await faultUnderBlockedCaller(t, () => t.is(crashEngine(), 0));
});

test.serial('the engine thread is terminated: blocked callers get -10050 within 2 s, a new engine comes', async (t) => {
  // A rule about time, no condition to poll: an engine dying younger than 1 s is not restarted eagerly.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await faultUnderBlockedCaller(t, () => terminateEngine());
});

test.serial('the engine hangs (its event loop stops, silently): blocked callers get -10050 within 6 s', async (t) => {
  // A rule about time, as above: no condition to poll.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await faultUnderBlockedCaller(t, () => t.is(hangEngine(), 0), 6000);
});
