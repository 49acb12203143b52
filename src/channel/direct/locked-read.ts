/**
 * The loop a shaped direct receive (a line, a Character read) runs in: take the socket's
 * receive lock, let `underLock` answer from the read-ahead or one read, let go; after a
 * read that found nothing (AGAIN), retry for the learned spin, then leave the wait to the
 * engine (undefined). README.md: what holding the lock means.
 */
import { ErrorCode } from '../../errors.js';
import { Direct, DirectFlag, releaseDirectLock } from '../../direct-layout.js';
import { beginPatience, endPatience, endSpin, keepTrying } from './patience.js';
import { stillOpen, TAKEN, takeLock, tableWords } from './table.js';

/** `underLock` read nothing: let go, spin, come back. */
export const AGAIN = -0.5;

/**
 * Runs `underLock(socket, base, into, request)` under socket `socket`'s receive lock (its
 * entry at `base`, as entryOf found it: checked again under the lock) until
 * it answers: its answer, -10035 on a non-blocking socket with nothing to give, or
 * undefined when the engine must answer (not open to direct calls, a datagram socket, its
 * encoding no longer `encoding` (-1: any), or nothing came within the spin; with `wait`
 * false there is no spin).
 */
export function lockedRead<R>(
  socket: number,
  base: number,
  holder: number,
  encoding: number,
  wait: boolean,
  into: Uint8Array,
  request: R,
  underLock: (socket: number, base: number, into: Uint8Array, request: R) => number | undefined,
): number | undefined {
  const w = tableWords();
  const lock = base + Direct.RecvLock;
  beginPatience(holder);
  try {
    for (;;) {
      if (takeLock(w, base, socket, lock, holder, 2_000) !== TAKEN) return undefined;
      const flags = Atomics.load(w, base + Direct.Flags);
      const engines =
        !stillOpen(w, base, socket) || (flags & DirectFlag.Datagram) !== 0 || (encoding >= 0 && Atomics.load(w, base + Direct.Encoding) !== encoding);
      const outcome = engines ? undefined : underLock(socket, base, into, request);
      releaseDirectLock(w, lock, holder);
      if (outcome !== AGAIN) {
        if (outcome !== undefined) endPatience();
        return outcome;
      }
      if ((flags & DirectFlag.NonBlocking) !== 0) return ErrorCode.WouldBlock;
      if (!wait || !keepTrying()) return undefined;
    }
  } finally {
    endSpin();
  }
}
