/**
 * A receive into a Character field, done by the calling thread: one read of the descriptor
 * into the caller's data area, behind what the entry's read-ahead holds, and only whole
 * characters of the socket's encoding handed out. The start of a character cut at the end of
 * the read stays in the read-ahead (src/direct-ahead.ts), so it comes out whole with the
 * next receive of any thread, direct or through the engine. The one case the engine's
 * rules keep for themselves (receive-shaped.ts): `maxbytes` smaller than the first
 * character, whose first bytes the engine consumes and holds.
 */
import { Direct, DirectFlag } from '../../direct-layout.js';
import { wholeLength } from '../../text/encodings.js';
import { readOnce } from './descriptor.js';
import { AGAIN, lockedRead } from './locked-read.js';
import { commitAhead, copyOut, readAhead } from './read-ahead.js';
import { addCount, tableWords, usableFd } from './table.js';

/** What a Character read wants (one per thread, refilled per call). */
interface TextRequest {
  limit: number;
  encoding: number;
  giveBack: (bytes: Uint8Array) => void;
}

const textRequest: TextRequest = { limit: 0, encoding: 0, giveBack: () => {} };

/**
 * Reads whole characters of `encoding` into `into` (at most `limit` bytes): their byte
 * count, 0 at the end of the stream, an error code, or undefined when the engine must
 * answer (or the socket's encoding is no longer `encoding`). `giveBack` returns bytes read
 * after a TCPStartTLS or close began to the engine (still under the lock).
 */
export function receiveTextDirect(
  socket: number,
  base: number,
  holder: number,
  into: Uint8Array,
  limit: number,
  encoding: number,
  giveBack: (bytes: Uint8Array) => void,
): number | undefined {
  textRequest.limit = Math.min(limit, into.length);
  textRequest.encoding = encoding;
  textRequest.giveBack = giveBack;
  return lockedRead(socket, base, holder, encoding, true, into, textRequest, textUnderLock);
}

function textUnderLock(socket: number, base: number, into: Uint8Array, request: TextRequest): number | undefined {
  const { limit, encoding, giveBack } = request;
  const w = tableWords();
  const ahead = readAhead(base);
  for (;;) {
    // The read-ahead's bytes first (at most `limit`), not taken until they are handed out.
    const have = Math.min(ahead.length, limit);
    copyOut(ahead.area, ahead.start, into, have);
    const failure = Atomics.load(w, base + Direct.Failure);
    const atEnd = failure !== 0 || (Atomics.load(w, base + Direct.Flags) & DirectFlag.Eof) !== 0;
    if (have > 0) {
      // At the end a cut character is what it is (the decoder replaces it): nothing is held for ever.
      const whole = atEnd && have === ahead.length ? have : wholeLength(into, have, encoding);
      if (whole > 0) {
        ahead.start += whole;
        ahead.length -= whole;
        commitAhead(base, ahead);
        Atomics.add(w, base + Direct.Reads, 1); // a receive answered directly
        return whole;
      }
      if (have === limit) return undefined; // not one whole character fits in maxbytes: the engine's rule
    } else if (atEnd) {
      return failure;
    }
    if ((Atomics.load(w, base + Direct.Flags) & DirectFlag.Refill) !== 0) return undefined; // the engine holds what follows
    const fd = usableFd(w, base, socket);
    if (fd < 0) return undefined;
    const n = readOnce(fd, into.subarray(have, limit));
    if (n === 'again') return AGAIN;
    if (n > 0) {
      if ((Atomics.load(w, base + Direct.Flags) & DirectFlag.Closed) !== 0) {
        // TCPStartTLS (or a close) began during the read: its bytes go back to the engine,
        // behind the read-ahead's (which the engine takes first), before the lock is let go.
        giveBack(into.subarray(have, have + n));
        return undefined;
      }
      addCount(base + Direct.BytesIn, n);
      const total = have + n;
      const whole = wholeLength(into, total, encoding);
      // What follows the last whole character (a few bytes at most) waits in the read-ahead.
      ahead.area.set(into.subarray(whole, total), 0);
      ahead.start = 0;
      ahead.length = total - whole;
      commitAhead(base, ahead);
      if (whole > 0) {
        Atomics.add(w, base + Direct.Reads, 1); // a receive answered directly
        return whole;
      }
    } else if (n === 0) {
      Atomics.or(w, base + Direct.Flags, DirectFlag.Eof);
    } else {
      Atomics.compareExchange(w, base + Direct.Failure, 0, n);
    }
  }
}
