/**
 * A serve() loop for a request handler (`export function request(socket, peer)`), run on
 * a pool thread: take the next connection that has bytes to read from the engine, call
 * the handler once, and again while the connection's next request arrives within the
 * keep-alive spin and no other connection waits (keep-alive.ts); then hand it back (in
 * the same engine call that takes the next one) unless the handler closed it. Between requests a connection holds no thread:
 * it waits in the engine (src/engine/request-server.ts).
 */
import { handlerFailed } from './handler-failure.js';
import { TCPClose } from '../commands/close.js';
import { TCPErrorText } from '../errors.js';
import { recordDuration, ServeCounter } from './counters.js';
import { nextReadyConnection, postHandBack, takeReady, withdrawHandBacks } from './request-calls.js';
import type { RequestHandler } from '../serve-types.js';
import type { ServeLoopTask } from './tasks.js';
import { NO_BOARD } from '../protocol.js';
import { keepConnection, NEXT_ARRIVED } from './keep-alive.js';

export async function runRequestLoop(task: ServeLoopTask, handler: RequestHandler): Promise<void> {
  const counters = new Int32Array(task.counters);
  const current = ServeCounter.FirstLoop + task.loop;
  let handBack = 0;
  const durations = task.durations === undefined ? undefined : new Float64Array(task.durations);
  const board = task.board ?? NO_BOARD;
  try {
    for (;;) {
      // Hand back through the board, and take the next ready connection from its ring: no
      // engine call and no wait while connections are ready. NextRequest (both in one call,
      // parking until one is ready) when the ring is empty.
      if (handBack !== 0 && postHandBack(board, task.listener, task.loop, handBack)) handBack = 0;
      // (A hand-back the board could not take goes with NextRequest: never two in hand.)
      const taken = handBack === 0 ? takeReady(board, task.listener) : undefined;
      const ready = taken ?? nextReadyConnection(task.listener, handBack);
      const handedBack = taken === undefined ? handBack : 0;
      if (taken === undefined) handBack = 0;
      if (typeof ready === 'number') {
        // The listener closed while this connection was served: nothing took it back, so it
        // is closed here (its answer went out), not left open under its client for ever.
        if (handedBack !== 0) TCPClose(handedBack);
        for (const socket of withdrawHandBacks(board, task.listener, task.loop)) TCPClose(socket);
        // -10053 / -509: the listener was closed (close()); anything else ends this loop too.
        if (ready !== -10053 && ready !== -509) {
          task.log.postMessage({ level: 'error', event: 'accept-failed', message: `serve: waiting for requests failed: ${TCPErrorText(ready)} (${ready})`, code: ready });
        }
        return;
      }
      const { socket, address, port } = ready;
      const peer = { address, port };
      Atomics.store(counters, current, socket);
      // The handler runs again on the same connection while its next request arrives within
      // the keep-alive spin (keep-alive.ts); then the connection goes back with the next call.
      for (let again = true; again; ) {
        again = false;
        const started = durations === undefined ? 0 : performance.now();
        try {
          const result = handler(socket, peer);
          if (result instanceof Promise) await result; // a sync handler costs no microtask turn
          Atomics.add(counters, ServeCounter.Requests, 1);
          // Closed by the handler: the peek finds no entry, and the engine ignores the hand-back.
          again = keepConnection(socket, task.board ?? NO_BOARD) === NEXT_ARRIVED;
          if (!again) handBack = socket;
        } catch (error) {
          TCPClose(socket, 2); // a failed handler's connection is reset, not left half-served
          handlerFailed(task, counters, 'request handler', peer, socket, error);
        } finally {
          if (durations !== undefined) recordDuration(durations, task.loop, (performance.now() - started) / 1000);
        }
      }
      Atomics.store(counters, current, 0);
    }
  } finally {
    task.log.close();
  }
}
