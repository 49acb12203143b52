/**
 * Spin permits (src/channel/spin-permit.ts): a process has one fewer than its cores (at
 * least one), a thread spins only while it holds one, and the engine frees the permit of a
 * thread that died holding it, so no dead thread keeps the others from spinning.
 */
import test from 'ava';
import { availableParallelism } from 'node:os';
import { TCPSocket, TCPClose } from '../src/index.js';
import { startWorkerFixture } from './helpers/worker.js';

const PERMITS = Math.min(64, Math.max(1, availableParallelism() - 1));

test.serial('one fewer permits than cores: the next thread gets none until one is given back; a dead holder\'s permit is freed by the engine', async (t) => {
  TCPClose(TCPSocket()); // the engine is up
  const holders = Array.from({ length: PERMITS }, () => startWorkerFixture('spin-permit-worker.ts'));
  for (const holder of holders) t.true(await holder.nextMessage(), 'a permit');
  const late = startWorkerFixture('spin-permit-worker.ts');
  t.false(await late.nextMessage(), `no permit beyond ${PERMITS}`);
  late.worker.postMessage('exit');
  await late.exited;

  // One holder gives its permit back: the next thread gets it.
  holders[0]!.worker.postMessage('return');
  t.is(await holders[0]!.nextMessage(), 'returned');
  const next = startWorkerFixture('spin-permit-worker.ts');
  t.true(await next.nextMessage(), 'the permit given back');

  // A holder ends without giving it back: the engine frees it when it sees the thread gone.
  next.worker.postMessage('exit');
  await next.exited;
  let freed = false;
  for (const deadline = Date.now() + 20_000; !freed && Date.now() < deadline; ) {
    const probe = startWorkerFixture('spin-permit-worker.ts');
    freed = (await probe.nextMessage()) as boolean;
    probe.worker.postMessage(freed ? 'return' : 'exit');
    if (freed) {
      await probe.nextMessage();
      probe.worker.postMessage('exit');
    }
    await probe.exited;
    if (!freed) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.true(freed, "the dead thread's permit freed within 20 s");
  for (const holder of holders) holder.worker.postMessage('exit');
  await Promise.all(holders.map((holder) => holder.exited));
});
