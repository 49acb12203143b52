/**
 * Whether a socket has bytes to read now, found by the calling thread itself: serve()'s
 * keep-alive fast path (src/server/request-loop.ts) asks it after a request handler has
 * answered, to serve the connection's next request without handing it back to the engine.
 * What a read brings stays in the entry's read-ahead (src/direct-ahead.ts), first for the
 * next receive of any thread, so nothing is consumed by looking.
 */
import { AHEAD_BYTES, Direct, DirectFlag, releaseDirectLock } from '../../direct-layout.js';
import { readOnce } from './descriptor.js';
import { commitAhead, compactAhead, readAhead } from './read-ahead.js';
import { addCount, entryOf, stillOpen, TAKEN, tableWords, takeLock, usableFd } from './table.js';

/** Bytes are there (in the read-ahead). */
export const PEEK_BYTES = 1;
/** None yet: the kernel had nothing (EAGAIN). */
export const PEEK_NONE = 0;
/**
 * Not for this path: no entry (the engine path, TLS, closed), the engine holds the lock or
 * what follows (Refill), the end of the stream or a failure (the engine reports it).
 */
export const PEEK_ENGINE = -1;

/** One look at socket `socket` for slot `holder`: PEEK_BYTES, PEEK_NONE or PEEK_ENGINE. */
export function peekDirect(socket: number, holder: number): number {
  const base = entryOf(socket);
  if (base < 0) return PEEK_ENGINE;
  const w = tableWords();
  const lock = base + Direct.RecvLock;
  if (takeLock(w, base, socket, lock, holder, 0) !== TAKEN) return PEEK_ENGINE;
  try {
    if (!stillOpen(w, base, socket)) return PEEK_ENGINE;
    const flags = Atomics.load(w, base + Direct.Flags);
    if ((flags & DirectFlag.Datagram) !== 0) return PEEK_ENGINE;
    const ahead = readAhead(base);
    if (ahead.length > 0) return PEEK_BYTES;
    if ((flags & (DirectFlag.Refill | DirectFlag.Eof)) !== 0 || Atomics.load(w, base + Direct.Failure) !== 0) return PEEK_ENGINE;
    compactAhead(base, ahead);
    const fd = usableFd(w, base, socket);
    if (fd < 0) return PEEK_ENGINE;
    const n = readOnce(fd, ahead.area.subarray(0, AHEAD_BYTES));
    if (n === 'again') return PEEK_NONE;
    if (n > 0) {
      ahead.length = n;
      addCount(base + Direct.BytesIn, n);
      commitAhead(base, ahead);
      return PEEK_BYTES;
    }
    if (n === 0) Atomics.or(w, base + Direct.Flags, DirectFlag.Eof);
    else Atomics.compareExchange(w, base + Direct.Failure, 0, n);
    return PEEK_ENGINE;
  } finally {
    releaseDirectLock(w, lock, holder);
  }
}
