/**
 * serve()'s work on pool threads, the serving side: the task messages (check a handler
 * module, run one loop), what a loop posts back, and the calls that run them on a pool's
 * threads through the server's own thread entry (thread.ts via workers/serve-worker.mjs),
 * so that the pool (src/pool/) knows nothing of servers.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LogRecord } from '../operate/log.js';
import type { HandlerKind } from '../serve-types.js';
import { packageFile } from '../package-files.js';
import type { Pool } from '../pool/pool.js';

/** Loads a handler module and answers which kind of handler it exports. */
export interface CheckTask {
  kind: 'check';
  module: string;
  /** serve({ udp: true }): the module must export `datagram`. */
  udp?: boolean;
}

/** What a loop posts to the serving thread: a log line or record, that its handler is loaded, or why it could not be. */
export type LoopMessage = string | LogRecord | { ready: true } | { loadFailed: string };

export interface ServeLoopTask {
  kind: 'serve';
  /** Which loop: accept connections for a default export, take ready ones for `request`, receive datagrams for `datagram`. */
  mode: 'connection' | 'request' | 'datagram';
  module: string;
  /** The listening socket, or the datagram socket (udp). */
  listener: number;
  /** This loop's index among the server's loops (its word in the counters). */
  loop: number;
  counters: SharedArrayBuffer;
  /** Request loops: the server's board in the registry (protocol.ts Board), NO_BOARD for none. */
  board?: number;
  /** serve({ metrics }): the handler calls' duration rows (counters.ts); absent, nothing is timed. */
  durations?: SharedArrayBuffer | undefined;
  /** Where this loop's log lines go (the serving thread's `log`). */
  log: MessagePort;
}

const serverEntry = packageFile('workers/serve-worker.mjs');

/** Loads a handler module on a thread: which kind it is, or its load error (`udp`: it must export `datagram`). */
export function checkHandler(pool: Pool, module: string, udp = false): Promise<HandlerKind> {
  const task: CheckTask = { kind: 'check', module, udp };
  return pool.runOn<HandlerKind>(serverEntry, task);
}

/** One of serve()'s loops: it holds a thread until its listener closes. */
export function runLoop(pool: Pool, task: ServeLoopTask): Promise<void> {
  return pool.runOn<void>(serverEntry, task, [task.log]);
}
