/**
 * What a pool thread does with a task: run a script module's default export, or run one
 * of serve()'s accept loops with a handler module. Runs on piscina's worker threads
 * (workers/pool-worker.mjs); its commands share the process's engine through the handle
 * in the pool's workerData.
 */
import { pathToFileURL } from 'node:url';
import { runServeLoop, type ServeLoopTask } from './serve-loop.js';

export interface ScriptTask {
  kind: 'script';
  module: string;
  args: unknown[];
}

export interface Peer {
  address: string;
  port: number;
}

/** The signature of a serve() handler module's default export. */
export type ConnectionHandler = (socket: number, peer: Peer) => unknown;

/**
 * Each module's default export, loaded once per thread. Not just import()'s own cache:
 * with tsx's loader hooks, every import() of even a loaded module asks the hooks thread
 * to resolve it again, which costs a cross-thread round trip per task.
 */
const defaultExports = new Map<string, Promise<unknown>>();

function defaultExport(module: string): Promise<unknown> {
  const url = module.startsWith('file:') ? module : pathToFileURL(module).href;
  let loaded = defaultExports.get(url);
  if (loaded === undefined) {
    loaded = import(url).then((namespace: { default?: unknown }) => namespace.default);
    defaultExports.set(url, loaded);
  }
  return loaded;
}

async function runScript(task: ScriptTask): Promise<unknown> {
  const main = await defaultExport(task.module);
  // A script without a default export did its work when it was imported.
  return typeof main === 'function' ? await main(...task.args) : undefined;
}

async function runServe(task: ServeLoopTask): Promise<void> {
  const handler = await defaultExport(task.module);
  if (typeof handler !== 'function') throw new TypeError(`${task.module} has no default export function`);
  await runServeLoop(task, handler as ConnectionHandler);
}

export default function runTask(task: ScriptTask | ServeLoopTask): Promise<unknown> {
  return task.kind === 'script' ? runScript(task) : runServe(task);
}
