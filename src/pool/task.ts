/**
 * What a pool thread does with a task: run a script module's default export, or serve
 * one accepted connection with a handler module. Runs on piscina's worker threads
 * (workers/pool-worker.mjs); its commands share the process's engine through the handle
 * in the pool's workerData.
 */
import { pathToFileURL } from 'node:url';
import { TCPClose, TCPGetRemoteAddr, TCPGetRemotePort } from '../index.js';
import { HandlerCounter } from './counters.js';

export interface ScriptTask {
  kind: 'script';
  module: string;
  args: unknown[];
}

export interface HandlerTask {
  kind: 'handler';
  module: string;
  socket: number;
  /** serve()'s live counters, shared with the serving thread. */
  counters: SharedArrayBuffer;
}

export interface Peer {
  address: string;
  port: number;
}

export interface HandlerOutcome {
  ok: boolean;
  peer: Peer;
  error?: string;
}

/** The signature of a serve() handler module's default export. */
export type ConnectionHandler = (socket: number, peer: Peer) => unknown;

async function defaultExport(module: string): Promise<unknown> {
  const url = module.startsWith('file:') ? module : pathToFileURL(module).href;
  const loaded = (await import(url)) as { default?: unknown };
  return loaded.default;
}

async function runScript(task: ScriptTask): Promise<unknown> {
  const main = await defaultExport(task.module);
  // A script without a default export did its work when it was imported.
  return typeof main === 'function' ? await main(...task.args) : undefined;
}

async function runHandler(task: HandlerTask): Promise<HandlerOutcome> {
  const counters = new Int32Array(task.counters);
  Atomics.add(counters, HandlerCounter.Started, 1);
  const address = TCPGetRemoteAddr(task.socket);
  const port = TCPGetRemotePort(task.socket);
  const peer: Peer = { address: typeof address === 'string' ? address : '?', port: port > 0 ? port : 0 };
  try {
    const handler = await defaultExport(task.module);
    if (typeof handler !== 'function') throw new TypeError(`${task.module} has no default export function`);
    await (handler as ConnectionHandler)(task.socket, peer);
    TCPClose(task.socket); // -509 when the handler closed it itself: nothing to do
    return { ok: true, peer };
  } catch (error) {
    TCPClose(task.socket, 2); // a failed handler's connection is reset, not left half-served
    return { ok: false, peer, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    Atomics.add(counters, HandlerCounter.Finished, 1);
  }
}

export default function runTask(task: ScriptTask | HandlerTask): Promise<unknown> {
  return task.kind === 'script' ? runScript(task) : runHandler(task);
}
