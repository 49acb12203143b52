// Nothing misdirected: an engine that ends without retiring its direct table (terminated,
// out of memory) has its descriptors closed by node as its thread goes; a direct command of
// another thread must then never read or write whatever file or socket reuses the number
// (docs/direct-path.md, invariant 4). The thread that started the engine is kept
// busy meanwhile, as a blocked owner would be, so that none of its 'exit' handlers can help.
// Serial: each test kills the process's engine.
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineHandle, ErrorCode, TCPBlock, TCPClose, TCPConnect, TCPReceive, TCPSend, TCPStats } from '../src/index.js';
import { Direct } from '../src/direct-layout.js';
import { directEntryBase } from '../src/protocol.js';
import { terminateEngine } from '../src/testing.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveExactly } from './helpers/receive.js';
import { startWorkerFixture } from './helpers/worker.js';

/** The descriptor the engine published for `socket` (the direct table is shared memory). */
function descriptorOf(socket: number): number {
  const registry = new Int32Array(engineHandle().tcpCommandsEngine);
  return Atomics.load(registry, directEntryBase(socket) + Direct.Fd);
}

for (const mode of ['send', 'receive'] as const) {
  test.serial(`a direct ${mode} after the engine was terminated touches no file that took its descriptor's number`, async (t) => {
    const echo = await startPythonPeer('echo');
    const dir = mkdtempSync(join(tmpdir(), 'tcp-commands-misdirect-'));
    try {
      const socket = TCPConnect('127.0.0.1', echo.port);
      t.true(socket > 0);
      // The socket is on the direct path: a round trip moves bytes directly.
      t.is(TCPSend(socket, new TextEncoder().encode('warm')), 4); // bytes: text takes the engine path
      t.is(Buffer.from(receiveExactly(socket, 4)).toString(), 'warm');
      const stats = TCPStats();
      t.true(typeof stats === 'object' && stats.directWrites > 0, 'the socket takes the direct path');
      if (mode === 'receive') {
        t.is(TCPBlock(socket, 1), 0); // non-blocking: a receive that finds nothing comes straight back
        for (let i = 0; i < 256; i++) writeFileSync(join(dir, `receive-${i}`), 'FILEDATA');
      }
      const go = new SharedArrayBuffer(8);
      const flag = new Int32Array(go);
      const grabber = startWorkerFixture('grab-descriptors-worker.ts', { socket, fd: descriptorOf(socket), dir, mode, go });
      t.is(await grabber.nextMessage(), 'ready');
      const terminated = terminateEngine();
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      // Busy until the grabber is done: no event of this thread (the engine's 'exit') runs meanwhile.
      Atomics.wait(flag, 1, 0, 15_000);
      await terminated;
      const report = (await grabber.nextMessage()) as { result: number; received: string; opened: number; reused: boolean; closedAfterMs: number };
      await grabber.exited;
      t.log(`descriptor closed ${report.closedAfterMs} ms after the terminate; ${report.opened} files opened, one of them on its number: ${report.reused}; the ${mode} returned ${report.result}`);
      t.true(report.reused, 'a file got the dead socket\'s descriptor number (else this test proves nothing)');
      if (mode === 'send') {
        for (const name of readdirSync(dir)) t.is(readFileSync(join(dir, name), 'latin1'), '', `${name} holds bytes of a socket`);
      } else {
        t.is(report.received, '', 'the receive returned no file\'s bytes');
      }
      t.is(report.result, ErrorCode.EngineDown, `the ${mode} says the engine is gone`);
      // A new engine comes at the next command of this thread; the old socket is gone.
      t.is(TCPReceive(socket, new Uint8Array(4)), ErrorCode.InvalidSocket);
      const fresh = TCPConnect('127.0.0.1', echo.port);
      t.true(fresh > socket);
      TCPClose(fresh);
    } finally {
      await echo.stop();
    }
  });
}
