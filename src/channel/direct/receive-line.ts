/**
 * TCPReceiveUntil's direct path: the line is looked for in the entry's read-ahead
 * (src/direct-ahead.ts), which the call fills from the descriptor itself, a few KiB per
 * read, under the receive lock; it hands over the line and leaves the rest there, first
 * for the next command of any thread (or the engine). Only a line that has not arrived
 * parks in the engine (which takes the read-ahead first), and so does one longer than the
 * area (AHEAD_BYTES) or one whose text the engine's rules must shape (receive-shaped.ts:
 * a delimiter that ends inside a character).
 */
import { AHEAD_BYTES, Direct, DirectFlag } from '../../direct-layout.js';
import { wholeLength } from '../../text/encodings.js';
import { readOnce } from './descriptor.js';
import { AGAIN, lockedRead } from './locked-read.js';
import { type Ahead, commitAhead, compactAhead, copyOut, readAhead } from './read-ahead.js';
import { addCount, tableWords, usableFd } from './table.js';

/** What a line read wants. */
export interface LineRequest {
  /** The delimiter's bytes (a string delimiter encoded in `encoding`). */
  delimiter: Uint8Array;
  /** It matches only where a code unit of this many bytes starts, counted from the line's first byte (2: UTF-16 text). */
  unit: number;
  /** At most this many bytes (maxbytes). */
  limit: number;
  /** The socket's encoding the request was shaped for (-1: any); another one now: the engine answers. */
  encoding: number;
  /** Into a Character field: the line ends on a whole character of `encoding`. */
  characters: boolean;
  /** The awaited form: never spin; with no line there, the engine waits. */
  wait: boolean;
}

/**
 * Reads a line into `into` (room for `limit` bytes) from socket `socket` (its entry at `base`): its length with the delimiter, the
 * rest at the end of the stream (0: nothing left), `limit` bytes when no delimiter came
 * first, an error code (-10035 non-blocking with no whole line), or undefined when the
 * engine must answer.
 */
export function receiveLineDirect(socket: number, base: number, holder: number, into: Uint8Array, request: LineRequest): number | undefined {
  return lockedRead(socket, base, holder, request.encoding, request.wait, into, request, lineUnderLock);
}

/** The line, held the receive lock: found in the read-ahead, or read into it until found. */
function lineUnderLock(socket: number, base: number, into: Uint8Array, request: LineRequest): number | undefined {
  const w = tableWords();
  const ahead = readAhead(base);
  let searched = 0; // bytes from the read-ahead's start known to hold no delimiter's start
  for (;;) {
    const within = Math.min(ahead.length, request.limit);
    const end = delimiterEnd(ahead, within, searched, request);
    if (end > 0) return handOut(base, ahead, into, end, true, request);
    if (ahead.length >= request.limit) return handOut(base, ahead, into, request.limit, false, request);
    if ((Atomics.load(w, base + Direct.Flags) & DirectFlag.Refill) !== 0) return undefined; // the engine holds what follows
    const failure = Atomics.load(w, base + Direct.Failure);
    if (failure !== 0 || (Atomics.load(w, base + Direct.Flags) & DirectFlag.Eof) !== 0) {
      // No more bytes will come: what is left is the last "line" (a failure is the next call's answer).
      return ahead.length > 0 ? handOut(base, ahead, into, ahead.length, false, request, true) : failure;
    }
    if (ahead.length === AHEAD_BYTES) return undefined; // longer than the area: the engine reads it
    searched = Math.max(0, within - request.delimiter.length + 1);
    searched -= searched % request.unit;
    compactAhead(base, ahead);
    const fd = usableFd(w, base, socket);
    if (fd < 0) return undefined;
    const n = readOnce(fd, ahead.area.subarray(ahead.length));
    if (n === 'again') return AGAIN;
    if (n > 0) {
      ahead.length += n;
      addCount(base + Direct.BytesIn, n);
      commitAhead(base, ahead);
      // TCPStartTLS (or a close) began during the read: these may be the handshake's first
      // bytes. They stay in the read-ahead, which the engine takes, in order, before TLS does.
      if ((Atomics.load(w, base + Direct.Flags) & DirectFlag.Closed) !== 0) return undefined;
    } else if (n === 0) {
      Atomics.or(w, base + Direct.Flags, DirectFlag.Eof);
    } else {
      Atomics.compareExchange(w, base + Direct.Failure, 0, n);
    }
  }
}

/**
 * The end (a count from the read-ahead's start, past the delimiter) of the first delimiter
 * that starts on a code unit and ends within `within` bytes, or -1.
 */
function delimiterEnd(ahead: Ahead, within: number, from: number, request: LineRequest): number {
  const delimiter = request.delimiter;
  const bound = ahead.start + within;
  let at = ahead.start + from;
  for (;;) {
    // (indexOf may look past the bytes there, into stale ones: a match counts only within them.)
    const found = delimiter.length === 1 ? ahead.area.indexOf(delimiter[0]!, at) : ahead.area.indexOf(delimiter, at);
    if (found < 0 || found + delimiter.length > bound) return -1;
    if ((found - ahead.start) % request.unit === 0) return found + delimiter.length - ahead.start;
    at = found + 1;
  }
}

/**
 * Copies the first `count` bytes of the read-ahead into `into` and takes them from it. A
 * Character line ends on a whole character: when it would not (the delimiter ends inside
 * one, or not one whole character fits in maxbytes) the engine's rules answer (undefined);
 * a line cut by maxbytes gives its whole characters and leaves the cut one.
 */
function handOut(base: number, ahead: Ahead, into: Uint8Array, count: number, delimited: boolean, request: LineRequest, atEnd = false): number | undefined {
  if (request.characters && !atEnd) {
    const whole = wholeLength(ahead.area.subarray(ahead.start, ahead.start + count), count, request.encoding);
    if (whole !== count) {
      if (delimited || whole === 0) return undefined;
      count = whole;
    }
  }
  copyOut(ahead.area, ahead.start, into, count);
  ahead.start += count;
  ahead.length -= count;
  commitAhead(base, ahead);
  Atomics.add(tableWords(), base + Direct.Reads, 1); // a receive answered directly
  return count;
}
