/**
 * A serve({ udp: true }) loop, run on a pool thread as each of Python's ThreadingUDPServer
 * threads would be: block in UDPReceiveFrom on the server's one datagram socket, call the
 * handler with the datagram and its sender, receive the next. Every loop waits on the same
 * socket and the engine hands each datagram to one waiting receive, so datagrams spread
 * over the free threads with no hop through the serving thread. Closing the socket
 * (close()) wakes the waiting receives with -10053 and the loops end.
 */
import { handlerFailed } from './handler-failure.js';
import { type DatagramSender, LARGEST_DATAGRAM, type SenderHolder, UDPReceiveFrom } from '../commands/datagram.js';
import { ErrorCode, TCPErrorText } from '../errors.js';
import { recordDuration, ServeCounter } from './counters.js';
import type { DatagramHandler } from '../serve-types.js';
import type { ServeLoopTask } from './tasks.js';

export async function runDatagramLoop(task: ServeLoopTask, handler: DatagramHandler): Promise<void> {
  const counters = new Int32Array(task.counters);
  const current = ServeCounter.FirstLoop + task.loop;
  const socket = task.listener;
  const buffer = new Uint8Array(LARGEST_DATAGRAM);
  const from: SenderHolder = {};
  const durations = task.durations === undefined ? undefined : new Float64Array(task.durations);
  try {
    for (;;) {
      const count = UDPReceiveFrom(socket, buffer, from);
      if (count === ErrorCode.TimedOut) continue; // a `timeout` on the socket: nothing came, wait again
      if (count < 0 && count !== ErrorCode.MessageTooLong) {
        // -10053 / -509: the socket was closed (close()); anything else ends this loop too.
        if (count !== ErrorCode.ConnectionAborted && count !== ErrorCode.InvalidSocket) {
          task.log.postMessage(`serve: receiving datagrams failed: ${TCPErrorText(count)} (${count})`);
        }
        return;
      }
      const sender = from.value as DatagramSender;
      // A copy: the handler may keep it (or await) while this buffer takes the next datagram.
      const data = buffer.slice(0, Math.min(sender.size, buffer.length));
      Atomics.store(counters, current, socket);
      const started = durations === undefined ? 0 : performance.now();
      try {
        const result = handler(socket, data, { ...sender });
        if (result instanceof Promise) await result; // a sync handler costs no microtask turn
        Atomics.add(counters, ServeCounter.Datagrams, 1);
      } catch (error) {
        // One datagram's failure: the socket serves the others, so it stays open.
        handlerFailed(task, counters, 'datagram handler', sender, socket, error);
      } finally {
        if (durations !== undefined) recordDuration(durations, task.loop, (performance.now() - started) / 1000);
        Atomics.store(counters, current, 0);
      }
    }
  } finally {
    task.log.close();
  }
}
