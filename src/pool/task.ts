/**
 * What a pool thread does with a task: run a script module's default export, check a
 * handler module (serve() does that once before it listens), or run one of serve()'s
 * loops with a handler module (accept, request or datagram loops). Runs on piscina's worker threads (workers/pool-worker.mjs,
 * from dist/ when built); its commands share the process's engine through the handle in
 * the pool's workerData.
 */
import { loadModule, transferableError } from './load-module.js';
import type { DatagramSender } from '../commands/datagram.js';
import { runDatagramLoop } from './datagram-loop.js';
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
  /** serve({ udp: true }): the module must export `datagram`. */
  udp?: boolean;
}

export interface Peer {
  address: string;
  port: number;
}

/** The signature of a serve() handler module's default export: it owns the connection. */
export type ConnectionHandler = (socket: number, peer: Peer) => unknown;
/** The signature of a request handler (`export function request`): one request, then return. */
export type RequestHandler = (socket: number, peer: Peer) => unknown;

/**
 * The signature of a datagram handler (`export function datagram`, serve({ udp: true })):
 * one datagram, its bytes and sender (`size` its full length); the answer, if any, goes
 * with UDPSendTo(socket, from.address, from.port, reply).
 */
export type DatagramHandler = (socket: number, data: Uint8Array, from: DatagramSender) => unknown;

export type HandlerKind = 'request' | 'connection' | 'datagram';

type Handler =
  | { kind: 'request'; run: RequestHandler }
  | { kind: 'connection'; run: ConnectionHandler }
  | { kind: 'datagram'; run: DatagramHandler };

/**
 * For a stream server: `request` when the module exports one (it wins over a default
 * export), else the default export. For a datagram server (`udp`): `datagram`.
 */
async function loadHandler(module: string, udp: boolean): Promise<Handler> {
  const namespace = await loadModule(module);
  if (udp) {
    if (typeof namespace.datagram === 'function') return { kind: 'datagram', run: namespace.datagram as DatagramHandler };
    throw new TypeError(`${module} has no datagram handler: export function datagram(socket, data, from) (called per datagram)`);
  }
  if (typeof namespace.request === 'function') return { kind: 'request', run: namespace.request as RequestHandler };
  if (typeof namespace.default === 'function') return { kind: 'connection', run: namespace.default as ConnectionHandler };
  const hint = typeof namespace.datagram === 'function' ? ' (it exports datagram(): serve it with udp: true, tcpcmd serve --udp)' : '';
  throw new TypeError(
    `${module} has no handler: export function request(socket, peer) (called per request) or a default export function (called per connection)${hint}`,
  );
}

async function runScript(task: ScriptTask): Promise<unknown> {
  const { default: main } = await loadModule(task.module);
  // A script without a default export did its work when it was imported.
  return typeof main === 'function' ? await (main as (...args: unknown[]) => unknown)(...task.args) : undefined;
}

async function runServe(task: ServeLoopTask): Promise<void> {
  let handler: Handler;
  try {
    handler = await loadHandler(task.module, task.mode === 'datagram');
  } catch (error) {
    // A module that failed to load stays failed in this thread (node's module map keeps
    // the error, and so does loadModule's cache): this thread ends, so that the loop's
    // next try (serve() restarts it with back-off) gets a fresh thread that loads the
    // module as it is on disk then. serve() gets the reason first.
    task.log.postMessage({ loadFailed: transferableError(error).message });
    process.exit(1);
  }
  if (handler.kind !== task.mode) throw new TypeError(`${task.module} changed its handler kind while serving`);
  task.log.postMessage({ ready: true });
  if (handler.kind === 'request') await runRequestLoop(task, handler.run);
  else if (handler.kind === 'datagram') await runDatagramLoop(task, handler.run);
  else await runServeLoop(task, handler.run);
}

export default async function runTask(task: ScriptTask | CheckTask | ServeLoopTask): Promise<unknown> {
  try {
    if (task.kind === 'script') return await runScript(task);
    if (task.kind === 'check') return (await loadHandler(task.module, task.udp === true)).kind;
    return await runServe(task);
  } catch (error) {
    // piscina passes what a task threw through structured clone, where some errors lose
    // their message: a plain Error with it is sent, so no caller prints [object Object].
    throw transferableError(error);
  }
}
