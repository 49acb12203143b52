/**
 * The engine thread's first code, given to the Worker as source (eval), not as a file.
 *
 * Its starter waits for the engine blocked in Atomics.wait, so it cannot hear the worker's
 * 'error' or 'exit' events: an engine that fails to start must say so in the registry's
 * State word, or the starter waits its whole start deadline (10 s). A file entry cannot
 * say so when the file itself cannot be loaded (descriptors run out while the worker opens
 * workers/engine.mjs or its imports: EMFILE); this source needs no file to run, loads the
 * entry with import(), and reports any failure to load or start it.
 */
import { EngineState, Reg } from '../protocol.js';

/** What the bootstrap finds in its workerData, beside the engine's own fields. */
export interface BootstrapData {
  /** The engine's entry module (workers/engine.mjs), as a file: URL. */
  readonly engineEntry: string;
  /** The registry: where a failed start is reported. */
  readonly registry: SharedArrayBuffer;
}

/** CommonJS (an eval worker's default), so that it runs without the ESM loader reading a file first. */
export const ENGINE_BOOTSTRAP_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
import(workerData.engineEntry).catch((error) => {
  // Nothing unasked: the caller gets -10050; the reason goes where NODE_DEBUG=tcp-commands
  // sends every engine event (src/diagnostics/debug-log.ts, which may not load here). Written
  // before the starter is told: told, it may end the process, and this thread with it.
  const { debuglog, inspect } = require('node:util');
  if (debuglog('tcp-commands').enabled) {
    require('node:fs').writeSync(2, 'TCP-COMMANDS ' + process.pid + ': socket engine could not start: ' + (error && error.stack ? error.stack : inspect(error)) + '\\n');
  }
  const registry = new Int32Array(workerData.registry);
  Atomics.store(registry, ${Reg.State}, ${EngineState.Failed});
  Atomics.notify(registry, ${Reg.State});
  process.exit(1);
});
`;
