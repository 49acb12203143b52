/**
 * What a pool thread does with a task: run a script module's default export, check a
 * handler module (serve() does that once before it listens), or run one of serve()'s
 * loops with a handler module. Runs on piscina's worker threads (workers/pool-worker.mjs,
 * from dist/ when built); its commands share the process's engine through the handle in
 * the pool's workerData.
 */
import { loadModule, transferableError } from './load-module.js';
import { runRequestLoop } from './request-loop.js';
import { runServeLoop, type ServeLoopTask } from './serve-loop.js';

export interface ScriptTask {
  kind: 'script';
  module: string;
  args: unknown[];
}

/** Loads a handler module and answers which kind of handler it exports. */
export interface CheckTask {
  kind: 'check';
  module: string;
}

export interface Peer {
  address: string;
  port: number;
}

/** The signature of a serve() handler module's default export: it owns the connection. */
export type ConnectionHandler = (socket: number, peer: Peer) => unknown;
/** The signature of a request handler (`export function request`): one request, then return. */
export type RequestHandler = (socket: number, peer: Peer) => unknown;

export type HandlerKind = 'request' | 'connection';

interface Handler {
  kind: HandlerKind;
  run: ConnectionHandler | RequestHandler;
}

/** `request` when the module exports one (it wins over a default export), else the default export. */
async function loadHandler(module: string): Promise<Handler> {
  const namespace = await loadModule(module);
  if (typeof namespace.request === 'function') return { kind: 'request', run: namespace.request as RequestHandler };
  if (typeof namespace.default === 'function') return { kind: 'connection', run: namespace.default as ConnectionHandler };
  throw new TypeError(
    `${module} has no handler: export function request(socket, peer) (called per request) or a default export function (called per connection)`,
  );
}

async function runScript(task: ScriptTask): Promise<unknown> {
  const { default: main } = await loadModule(task.module);
  // A script without a default export did its work when it was imported.
  return typeof main === 'function' ? await (main as (...args: unknown[]) => unknown)(...task.args) : undefined;
}

async function runServe(task: ServeLoopTask): Promise<void> {
  const handler = await loadHandler(task.module);
  if (handler.kind !== task.mode) throw new TypeError(`${task.module} changed its handler kind while serving`);
  task.log.postMessage({ ready: true });
  if (handler.kind === 'request') await runRequestLoop(task, handler.run);
  else await runServeLoop(task, handler.run);
}

export default async function runTask(task: ScriptTask | CheckTask | ServeLoopTask): Promise<unknown> {
  try {
    if (task.kind === 'script') return await runScript(task);
    if (task.kind === 'check') return (await loadHandler(task.module)).kind;
    return await runServe(task);
  } catch (error) {
    // piscina passes what a task threw through structured clone, where some errors lose
    // their message: a plain Error with it is sent, so no caller prints [object Object].
    throw transferableError(error);
  }
}
