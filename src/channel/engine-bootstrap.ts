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
  /** This engine's generation (Reg.Generation when it was started). */
  readonly generation: number;
}

/**
 * Valid as a script and as a module (a flag in TCP_COMMANDS_ENGINE_FLAGS may make an eval
 * worker's source a module), so only import(): no require, no static import. A failure
 * is reported only by the engine of the current generation, and only over Starting: a
 * superseded engine must not mark its successor failed.
 */
export const ENGINE_BOOTSTRAP_SOURCE = `import('node:worker_threads').then(({ workerData }) =>
  import(workerData.engineEntry).catch(async (error) => {
    // Nothing unasked: the caller gets -10050; the reason goes where NODE_DEBUG=tcp-commands
    // sends every engine event (src/diagnostics/debug-log.ts, which may not load here). Written
    // before the starter is told: told, it may end the process, and this thread with it.
    const { debuglog, inspect } = await import('node:util');
    if (debuglog('tcp-commands').enabled) {
      const { writeSync } = await import('node:fs');
      writeSync(2, 'TCP-COMMANDS ' + process.pid + ': socket engine could not start: ' + (error && error.stack ? error.stack : inspect(error)) + '\\n');
    }
    const registry = new Int32Array(workerData.registry);
    if (Atomics.load(registry, ${Reg.Generation}) === workerData.generation) {
      Atomics.compareExchange(registry, ${Reg.State}, ${EngineState.Starting}, ${EngineState.Failed});
      Atomics.notify(registry, ${Reg.State});
    }
    process.exit(1);
  }),
);
`;
