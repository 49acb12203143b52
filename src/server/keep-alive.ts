/**
 * serve()'s keep-alive fast path for request handlers: a pool thread that has just
 * answered a request keeps its connection and looks for the next request itself, with
 * non-blocking reads for a learned spin, as long as no other connection waits for a
 * thread (the server's board, engine/request-server.ts). When the next request comes
 * within the spin, the handler runs again at once: no hand-back to the engine, no wait for
 * the next connection, no thread woken. When it does not (or another connection is ready,
 * or the engine must speak: end of stream, a failure, bytes it holds), the connection goes
 * back to the engine's watch as before, holding no thread.
 *
 * Python's ThreadingTCPServer gets the same effect by owning a thread per connection; here
 * a connection holds a thread only for the spin (tens of microseconds), so any number of
 * keep-alive connections still share the threads.
 */
import { openChannel } from '../channel/caller.js';
import { currentRegistry } from '../channel/engine-host.js';
import { PEEK_BYTES, PEEK_NONE, peekDirect } from '../channel/direct/peek.js';
import { LearnedSpin } from '../channel/spin.js';
import { returnSpinPermit, takeSpinPermit } from '../channel/spin-permit.js';
import { Board, NO_BOARD, serveBoardBase } from '../protocol.js';

/**
 * How long a thread looks for the next request: grown when it comes within the spin (a
 * ping-pong client's next request comes one round trip after the answer), halved when it
 * does not, down to nothing with a short probe now and then (a client that sends one
 * request per connection, or pauses between requests).
 */
const keepSpin = new LearnedSpin(200, 60, 10, 8);

/** The connection's next request is here (it stays in the socket's read-ahead for the handler). */
export const NEXT_ARRIVED = 1;
/** Hand the connection back to the engine. */
export const HAND_BACK = 0;

/**
 * After a request on `socket` of the server with board `board`: NEXT_ARRIVED when its next
 * request arrived within the spin while no other connection waited, else HAND_BACK.
 */
export function keepConnection(socket: number, board: number): number {
  if (board === NO_BOARD) return HAND_BACK;
  const registry = currentRegistry();
  const base = serveBoardBase(board);
  // Others wait for a thread: in the board's ring (Tail past Head), or beyond it in the engine.
  const othersWait = (): boolean =>
    Atomics.load(registry, base + Board.Ready) !== 0 || Atomics.load(registry, base + Board.Tail) !== Atomics.load(registry, base + Board.Head);
  if (othersWait()) return HAND_BACK;
  const channel = openChannel();
  if (typeof channel === 'number') return HAND_BACK;
  const started = performance.now();
  // The first look is free; looking again is a spin, which needs a spare core (spin-permit.ts).
  let budgetUs = 0;
  try {
    for (let look = 0; ; look++) {
      const seen = peekDirect(socket, channel.id);
      const waitedUs = (performance.now() - started) * 1000;
      if (seen === PEEK_BYTES) {
        if (look > 0) keepSpin.caught(waitedUs);
        return NEXT_ARRIVED;
      }
      if (seen !== PEEK_NONE) return HAND_BACK;
      if (look === 0) budgetUs = takeSpinPermit(channel.id) ? keepSpin.budgetUs() : 0;
      if (waitedUs >= budgetUs) {
        if (budgetUs > 0) keepSpin.parked(Infinity);
        return HAND_BACK;
      }
      // Another connection waits for a thread: serve it rather than wait on this one.
      if (othersWait()) return HAND_BACK;
    }
  } finally {
    returnSpinPermit();
  }
}
