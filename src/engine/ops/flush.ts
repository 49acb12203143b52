/**
 * Op.Flush: answers when every connection has written what callers gave it (and the
 * ones being closed their FIN), or at the time limit (Arg0, ms).
 *
 * A blocking TCPSend returns once node has its bytes, as send() returns once the kernel
 * has them; but node's buffers die with the process, where the kernel's would not. So the
 * thread that started the engine flushes it when the process exits (engine-host.ts):
 * a script that sends and ends at once still gets its bytes out.
 */
import type { Socket } from 'node:net';
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';
import { StreamSocket } from '../stream-socket.js';

const POLL_MS = 5;

function unflushed(socket: Socket): boolean {
  if (socket.destroyed) return false;
  return socket.writableLength > 0 || (socket.writableEnded && !socket.writableFinished);
}

export function flush(slot: EngineSlot, engine: Engine): void {
  const sockets = (): Socket[] => [
    ...[...engine.table.values()].filter((e): e is StreamSocket => e instanceof StreamSocket).map((s) => s.socket),
    ...[...engine.closing].map((s) => s.socket),
  ];
  const reply = slot.replier();
  const deadline = slot.arg0 < 0 ? Infinity : Date.now() + slot.arg0;
  const check = (): void => {
    const left = sockets().filter(unflushed).length;
    if (left === 0 || Date.now() >= deadline) {
      clearInterval(timer);
      reply(left);
    }
  };
  const timer = setInterval(check, POLL_MS);
  check();
}
