/**
 * A handler call that threw, in every kind of serve() loop: the line logged first, then the
 * count, so that whoever sees the count (and closes) finds the line posted.
 */
import { errorOf } from '../operate/log.js';
import { ServeCounter } from './counters.js';
import type { ServeLoopTask } from './tasks.js';

/** `what`: 'handler', 'request handler' or 'datagram handler'; `peer`: who it served. */
export function handlerFailed(task: ServeLoopTask, counters: Int32Array, what: string, peer: { address: string; port: number }, socket: number, error: unknown): void {
  const from = `${peer.address}:${peer.port}`;
  task.log.postMessage({ level: 'error', event: 'handler-failed', message: `serve: ${what} failed for ${from}`, peer: from, socket, error: errorOf(error) });
  Atomics.add(counters, ServeCounter.Failed, 1);
}
