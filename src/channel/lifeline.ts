/**
 * A caller thread's lifeline: how the engine learns that this thread has ended, however
 * it ended (its code finished, process.exit() in it, an uncaught throw, Worker.terminate(),
 * a pool thread destroyed), so that it can drop the thread's parked requests, release
 * the socket locks it held and forget its slots (docs/reliability.md).
 *
 * The thread listens on a Unix socket of its own (abstract on Linux: nothing on disk),
 * unref'd, and the engine connects to it when the thread registers a slot. When the
 * thread ends, node closes its handles; the kernel then resets the engine's connection,
 * which the engine sees at once. This needs nothing from this thread's event loop: the
 * listen happens synchronously, and the kernel completes the engine's connect even while
 * this thread is blocked in a command (checked on Node 20 for every way a thread ends).
 * A MessagePort would be the natural tool, but the engine is reachable only through a
 * BroadcastChannel, which cannot transfer one.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { descriptorsLeft } from './descriptor-room.js';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { ErrorCode } from '../errors.js';

/** This thread's lifeline, held for its life (never closed: node closes it when the thread ends). */
let lifeline: { readonly server: Server; readonly address: string } | undefined;

/**
 * The address the engine connects to, opened on first use; undefined on the main thread
 * (its end is the process's end) or when the thread cannot listen for another reason
 * than descriptors (its slots are then forgotten only with the engine); -10024 when the
 * process has no descriptor left for it now. A failed listen is tried again at the
 * thread's next registration: a thread out of descriptors gets a code, and its lifeline
 * once it has descriptors again.
 */
export function lifelineAddress(): string | number | undefined {
  if (isMainThread || lifeline !== undefined) return lifeline?.address;
  const name = `tcp-commands-${process.pid}-${threadId}-${randomBytes(6).toString('hex')}`;
  const path = process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);
  const server = createServer(keepUnref);
  // A listen error is emitted on a later tick (told by `listening` below); an accept error
  // (EMFILE) leaves the listener listening.
  server.on('error', () => {});
  try {
    // exclusive: in a cluster worker, listen here, not through the primary.
    // A thread whose event loop never turns (a tight loop of commands) never accepts: each
    // engine it outlives leaves its connection queued, so the queue must hold many.
    server.listen({ path, exclusive: true, backlog: 1024 });
  } catch {
    return withoutLifeline();
  }
  // The listen is synchronous: a failure (no descriptors left) shows here, not later.
  if (!server.listening) return withoutLifeline();
  server.unref();
  lifeline = { server, address: path };
  return path;
}

/**
 * Why a listen failed is emitted only on a later tick, which a thread blocked in a
 * command never reaches; whether descriptors have run out can be asked now.
 */
function withoutLifeline(): number | undefined {
  return descriptorsLeft(1) ? undefined : ErrorCode.TooManySockets;
}

/** A connection from an engine (if this thread's event loop ever turns): held, never keeping the thread alive. */
function keepUnref(socket: Socket): void {
  socket.unref();
  socket.on('error', () => {});
  socket.on('end', () => socket.destroy()); // that engine is gone
}
