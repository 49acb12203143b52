/**
 * A receive done by the calling thread itself: one non-blocking read of the socket's
 * descriptor straight into the caller's buffer (README.md: when, and what it keeps true).
 */
import { ErrorCode } from '../../errors.js';
import { Direct, DirectFlag, releaseDirectLock } from '../../direct-layout.js';
import { readOnce } from './descriptor.js';
import { beginPatience, endPatience, endSpin, keepTrying } from './patience.js';
import { readAhead, takeAhead } from './read-ahead.js';
import { addCount, ENGINE_HOLDS, entryOf, stillOpen, TAKEN, takeLock, tableWords, usableFd } from './table.js';

/** More than any datagram's payload (65,527 bytes over IPv6). */
const LARGEST_DATAGRAM_READ = 65_536;

/** Room for the largest datagram: a read into less would cut it without telling. */
let datagramRoom: Buffer | undefined;

/**
 * One datagram into `target`: its length, 0 for an empty one, -10040 when it was longer
 * than `target` (which holds its first bytes), 'again', or an error code.
 */
function readDatagram(fd: number, target: Uint8Array): number | 'again' {
  if (target.length >= LARGEST_DATAGRAM_READ) return readOnce(fd, target);
  datagramRoom ??= Buffer.allocUnsafe(LARGEST_DATAGRAM_READ);
  const n = readOnce(fd, datagramRoom);
  if (n === 'again' || n < 0) return n;
  target.set(datagramRoom.subarray(0, Math.min(n, target.length)));
  return n > target.length ? ErrorCode.MessageTooLong : n;
}

/**
 * TCPReceive's direct path. Returns the count of bytes read into `target` (from 0), 0 at
 * the end of the stream, an error code (-10035 for a non-blocking socket with nothing
 * there), or undefined when the engine must answer: it holds bytes of this socket, the
 * socket is not open to direct calls, or a blocking receive found nothing within its spin
 * (it parks in the engine, which reads for it).
 */
export function receiveDirect(socket: number, target: Uint8Array, holder: number, giveBack: (bytes: Uint8Array) => void): number | undefined {
  const base = entryOf(socket);
  if (base < 0) return undefined;
  const w = tableWords();
  const lock = base + Direct.RecvLock;
  beginPatience(holder);
  try {
    for (;;) {
      if (takeLock(w, base, socket, lock, holder, 2_000) !== TAKEN) return undefined; // (ENGINE_HOLDS too)
      if (!stillOpen(w, base, socket)) {
        releaseDirectLock(w, lock, holder);
        return undefined;
      }
      // Bytes another direct call read ahead (a line's rest) come first, without a system call.
      const ahead = readAhead(base);
      if (ahead.length > 0) {
        const n = takeAhead(base, ahead, target, target.length);
        Atomics.add(w, base + Direct.Reads, 1); // a receive answered directly
        releaseDirectLock(w, lock, holder);
        return n;
      }
      // A failure, once seen, is every later receive's answer (the kernel reports it once).
      const failed = Atomics.load(w, base + Direct.Failure);
      const flags = Atomics.load(w, base + Direct.Flags);
      if ((flags & DirectFlag.Refill) !== 0) {
        releaseDirectLock(w, lock, holder); // the engine holds the next bytes
        return undefined;
      }
      if (failed !== 0 || (flags & DirectFlag.Eof) !== 0) {
        releaseDirectLock(w, lock, holder);
        return failed;
      }
      const fd = usableFd(w, base, socket);
      if (fd < 0) {
        releaseDirectLock(w, lock, holder);
        return undefined;
      }
      const datagram = (flags & DirectFlag.Datagram) !== 0;
      const n = datagram ? readDatagram(fd, target) : readOnce(fd, target);
      if (n === 'again') {
        releaseDirectLock(w, lock, holder);
        if ((flags & DirectFlag.NonBlocking) !== 0) return ErrorCode.WouldBlock;
        if (keepTrying()) continue;
        return undefined;
      }
      if (datagram) {
        // A datagram (0 bytes: an empty one, not the end; an error, an ICMP refusal, answers
        // this call only: a datagram socket has no connection to end).
        if (n >= 0 || n === ErrorCode.MessageTooLong) {
          addCount(base + Direct.BytesIn, n === ErrorCode.MessageTooLong ? target.length : n);
          Atomics.add(w, base + Direct.Reads, 1);
        }
      } else if (n > 0 && (Atomics.load(w, base + Direct.Flags) & DirectFlag.Closed) !== 0) {
        // TCPStartTLS (or a close) began while this read was under way: what it read may be
        // the handshake's first bytes, which are not this caller's to take. They go back to
        // the engine, still under the lock, so they stay first; the engine path answers.
        giveBack(target.subarray(0, n));
        releaseDirectLock(w, lock, holder);
        return undefined;
      } else if (n > 0) {
        addCount(base + Direct.BytesIn, n);
        Atomics.add(w, base + Direct.Reads, 1);
      } else if (n === 0) {
        Atomics.or(w, base + Direct.Flags, DirectFlag.Eof);
      } else {
        Atomics.compareExchange(w, base + Direct.Failure, 0, n);
      }
      releaseDirectLock(w, lock, holder);
      endPatience();
      return n;
    }
  } finally {
    endSpin();
  }
}

export { ENGINE_HOLDS };
