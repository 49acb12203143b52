// Entry of the socket-engine worker thread (src/engine/engine-thread.ts).
//
// The engine runs the compiled JavaScript in dist/ so that the first command of a
// process is fast: a worker that loads tsx takes 175-255 ms to start, plain JS ~35 ms.
// When dist/ is missing or older than src/ (a developer edited src/ and did not run
// `npm run build`), it falls back to loading the TypeScript through tsx.
import { writeSync } from 'node:fs';
import { debuglog, inspect } from 'node:util';
import { workerData } from 'node:worker_threads';
import { distIsCurrent } from './dist-current.mjs';

/**
 * Reg.State and EngineState.Failed of src/protocol.ts, written out: this file runs before
 * (and when) the protocol module cannot be loaded. test/protocol.test.ts checks they agree.
 */
const REG_STATE = 0;
const ENGINE_FAILED = 3;

const root = new URL('../', import.meta.url);
const built = new URL('dist/engine/engine-thread.js', root);

try {
  if (distIsCurrent(root, built)) {
    await import(built.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(new URL('src/engine/engine-thread.ts', root).href);
  }
} catch (error) {
  // The starter is blocked waiting for the engine and cannot see this thread's 'error'
  // event: tell it through the registry's State word.
  const registry = new Int32Array(workerData.registry);
  Atomics.store(registry, REG_STATE, ENGINE_FAILED);
  Atomics.notify(registry, REG_STATE);
  // Nothing unasked: the caller gets -10050; the reason goes where NODE_DEBUG=tcp-commands
  // sends every engine event (src/diagnostics/debug-log.ts, which could not be loaded here).
  if (debuglog('tcp-commands').enabled) {
    writeSync(2, `TCP-COMMANDS ${process.pid}: socket engine could not start: ${error?.stack ?? inspect(error)}\n`);
  }
  process.exit(1);
}
