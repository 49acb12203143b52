/**
 * A serve() accept loop for a connection handler (the default export), run on a pool thread as a pre-forked server process runs: block
 * in TCPAccept, serve the connection with the handler, close it, accept the next. The
 * engine hands each new connection straight to a loop that waits for one: no hop through
 * the serving thread, no task message per connection.
 */
import { handlerFailed } from './handler-failure.js';
import { acceptConnection } from '../commands/server.js';
import { TCPClose } from '../commands/close.js';
import { WebDevGetSecureError } from '../commands/config.js';
import { TCPErrorText } from '../errors.js';
import { recordDuration, ServeCounter } from './counters.js';
import type { ConnectionHandler } from '../serve-types.js';
import type { ServeLoopTask } from './tasks.js';
import type { LogRecord } from '../operate/log.js';

export async function runConnectionLoop(task: ServeLoopTask, handler: ConnectionHandler): Promise<void> {
  const counters = new Int32Array(task.counters);
  const current = ServeCounter.FirstLoop + task.loop;
  const log = (entry: string | LogRecord): void => task.log.postMessage(entry);
  const durations = task.durations === undefined ? undefined : new Float64Array(task.durations);
  // The connection just served, closed by the engine in the call that takes the next one.
  let finished = 0;
  try {
    for (;;) {
      const accepted = acceptConnection(task.listener, finished);
      finished = 0;
      Atomics.store(counters, current, 0); // (the finished one is closed now)
      if (accepted === -1021) {
        // Logged before it is counted: whoever sees the count finds the line posted.
        log({ level: 'warn', event: 'tls-handshake-failed', message: `serve: TLS handshake failed: ${WebDevGetSecureError()}`, code: accepted });
        Atomics.add(counters, ServeCounter.HandshakeFailures, 1);
        continue;
      }
      if (accepted === -522) continue; // the listener's `timeout` bounds TCPAccept too: accept again
      if (typeof accepted === 'number') {
        // -10053 / -509: the listener was closed (close()); anything else ends this loop too.
        if (accepted !== -10053 && accepted !== -509) log({ level: 'error', event: 'accept-failed', message: `serve: accept failed: ${TCPErrorText(accepted)} (${accepted})`, code: accepted });
        return;
      }
      const { socket, address, port } = accepted;
      Atomics.add(counters, ServeCounter.Accepted, 1);
      Atomics.store(counters, current, socket);
      const started = durations === undefined ? 0 : performance.now();
      try {
        await handler(socket, { address, port });
        // Closed with the next accept (one engine call for both); closed already by the
        // handler: nothing to do.
        finished = socket;
        // Until that accept: serve() closes it if this thread dies first.
        Atomics.store(counters, current, -socket);
        Atomics.add(counters, ServeCounter.Completed, 1);
      } catch (error) {
        TCPClose(socket, 2); // a failed handler's connection is reset, not left half-served
        Atomics.store(counters, current, 0);
        handlerFailed(task, counters, 'handler', { address, port }, socket, error);
      } finally {
        if (durations !== undefined) recordDuration(durations, task.loop, (performance.now() - started) / 1000);
      }
    }
  } finally {
    task.log.close();
  }
}
