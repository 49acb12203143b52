/**
 * What a pool thread does with serve()'s tasks (tasks.ts): check a handler module (serve()
 * does that once before it listens), or run one of serve()'s loops with it: accept loops
 * for a connection handler, request loops, datagram loops. The thread entry is
 * workers/serve-worker.mjs, run by piscina on the pool's threads beside script tasks.
 */
import { loadModule, transferableError } from '../pool/load-module.js';
import type { ConnectionHandler, DatagramHandler, RequestHandler } from '../serve-types.js';
import { runConnectionLoop } from './connection-loop.js';
import { runDatagramLoop } from './datagram-loop.js';
import { runRequestLoop } from './request-loop.js';
import type { CheckTask, ServeLoopTask } from './tasks.js';

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
  else await runConnectionLoop(task, handler.run);
}

export default async function runServerTask(task: CheckTask | ServeLoopTask): Promise<unknown> {
  try {
    if (task.kind === 'check') return (await loadHandler(task.module, task.udp === true)).kind;
    return await runServe(task);
  } catch (error) {
    // piscina passes what a task threw through structured clone, where some errors lose
    // their message: a plain Error with it is sent, so no caller prints [object Object].
    throw transferableError(error);
  }
}
