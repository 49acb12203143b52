/**
 * What a pool thread does with a script task: load the module and run its default
 * export with the task's arguments. Runs on piscina's worker threads
 * (workers/pool-worker.mjs, from dist/ when built); its commands share the process's
 * engine through the handle in the pool's workerData. serve()'s tasks run through their
 * own entry on the same threads (src/server/thread.ts).
 */
import { loadModule, transferableError } from './load-module.js';

export interface ScriptTask {
  kind: 'script';
  module: string;
  args: unknown[];
}

async function runScript(task: ScriptTask): Promise<unknown> {
  const { default: main } = await loadModule(task.module);
  // A script without a default export did its work when it was imported.
  return typeof main === 'function' ? await (main as (...args: unknown[]) => unknown)(...task.args) : undefined;
}

export default async function runTask(task: ScriptTask): Promise<unknown> {
  try {
    return await runScript(task);
  } catch (error) {
    // piscina passes what a task threw through structured clone, where some errors lose
    // their message: a plain Error with it is sent, so no caller prints [object Object].
    throw transferableError(error);
  }
}
