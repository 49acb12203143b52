/**
 * A send done by the calling thread itself: non-blocking writes of the caller's bytes to
 * the socket's descriptor while the kernel takes them (README.md: when, and what it keeps
 * true). What the kernel does not take goes through the engine, still under the lock.
 */
import { ErrorCode } from '../../errors.js';
import { Direct, DirectFlag, releaseDirectLock } from '../../direct-layout.js';
import { writeOnce } from './descriptor.js';
import { addCount, CLOSING, entryOf, stillOpen, TAKEN, takeLock, tableWords, usableFd } from './table.js';

/** How long a blocking send retries a full kernel buffer before the engine takes the rest. */
const SEND_SPIN_US = 150;

/**
 * TCPSend's direct path. Returns the count sent, an error code, or undefined when the
 * engine must take the whole send (it holds unsent bytes of this socket, or the socket is
 * not open to direct calls). A blocking send whose bytes the kernel does not all take
 * hands the rest to `sendRest` (the engine path) while it still holds the send lock, so no
 * other send gets in between; a non-blocking one returns what went, or -10035.
 */
export function sendDirect(socket: number, bytes: Uint8Array, holder: number, sendRest: (rest: Uint8Array) => number): number | undefined {
  const base = entryOf(socket);
  if (base < 0) return undefined;
  const w = tableWords();
  const lock = base + Direct.SendLock;
  const flagsBefore = Atomics.load(w, base + Direct.Flags);
  const nonBlocking = (flagsBefore & DirectFlag.NonBlocking) !== 0;
  // Another thread's send holds the socket: a non-blocking send does not wait for it.
  const patience = nonBlocking ? 0 : Atomics.load(w, base + Direct.TimeoutMs);
  if (takeLock(w, base, socket, lock, holder, patience) !== TAKEN) {
    if (!stillOpen(w, base, socket)) return undefined;
    return nonBlocking ? ErrorCode.WouldBlock : ErrorCode.TimedOut;
  }
  if (!stillOpen(w, base, socket)) {
    releaseDirectLock(w, lock, holder);
    return undefined;
  }
  const flags = Atomics.load(w, base + Direct.Flags);
  const failure = Atomics.load(w, base + Direct.Failure);
  const refusal = failure !== 0 ? failure : (flags & DirectFlag.FinSent) !== 0 ? ErrorCode.SendAfterShutdown : 0;
  if (refusal !== 0 || (flags & DirectFlag.Unsent) !== 0) {
    releaseDirectLock(w, lock, holder);
    return refusal !== 0 ? refusal : undefined; // bytes the engine holds go first
  }
  let sent = 0;
  let error = 0;
  let stalledSince = 0;
  let gone = false;
  let closing = false;
  while (sent < bytes.length) {
    const fd = usableFd(w, base, socket);
    if (fd === CLOSING) {
      closing = true; // a close or TCPStartTLS began: the rest goes through the engine, still under this lock
      break;
    }
    if (fd < 0) {
      gone = true; // its engine is gone: what went is reported, the rest is the engine path's to answer
      break;
    }
    const n = writeOnce(fd, bytes, sent);
    if (n === 'again') {
      // The kernel's buffer is full. A reading peer empties it within microseconds:
      // retrying a little beats handing the rest to the engine (after which every send
      // waits behind node's buffer). A peer that does not read gets the engine's wait.
      if (nonBlocking) break;
      const now = performance.now();
      if (stalledSince === 0) stalledSince = now;
      if ((now - stalledSince) * 1000 < SEND_SPIN_US) continue;
      break;
    }
    stalledSince = 0;
    if (n < 0) {
      // After our own FIN the kernel says EPIPE: that is TCPClose 1's -10058, not a failure.
      const flagsNow = Atomics.load(w, base + Direct.Flags);
      const finSent = (flagsNow & DirectFlag.FinSent) !== 0;
      error = finSent ? ErrorCode.SendAfterShutdown : n;
      // A datagram socket's error (too long, an ICMP refusal) is this send's only: it has no connection to end.
      if (!finSent && (flagsNow & DirectFlag.Datagram) === 0) Atomics.compareExchange(w, base + Direct.Failure, 0, n);
      break;
    }
    sent += n;
  }
  if (sent > 0) {
    addCount(base + Direct.BytesOut, sent);
    Atomics.add(w, base + Direct.Writes, 1);
  }
  let result: number;
  if (error !== 0) result = sent > 0 ? sent : error; // the error stays: the next command gets it
  else if (sent === bytes.length) result = sent;
  else if (gone || (closing && sent === 0)) {
    if (sent === 0) {
      releaseDirectLock(w, lock, holder);
      return undefined; // nothing went: the whole send is the engine path's
    }
    // Part went before its engine died; the connection is gone with it. A blocking send
    // reports that (the stream is cut), a non-blocking one what went, as it always does.
    result = nonBlocking ? sent : ErrorCode.EngineDown;
  } else if (nonBlocking) result = sent > 0 ? sent : ErrorCode.WouldBlock;
  else {
    const rest = sendRest(bytes.subarray(sent));
    result = rest < 0 ? rest : sent + rest;
  }
  releaseDirectLock(w, lock, holder);
  return result;
}
