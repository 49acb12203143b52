/**
 * The receives that shape what they take, beyond TCPReceive's "some bytes":
 *
 * - TCPReceiveUntil (Op.ReceiveUntil): up to and including a delimiter, searched in the
 *   queue where the bytes are (on whole code units for UTF-16 text: delimiter-search.ts);
 *   nothing past it is taken. It waits until the delimiter, `maxbytes` bytes, or the end
 *   of the stream is there, and has the socket read past `rcvbuf` meanwhile if need be
 *   (receive-bound.ts).
 * - Character fields (ReceiveFlag.Utf8, of either receive): the reply holds whole
 *   characters of the socket's encoding only. A character cut at the end of a read
 *   (by `maxbytes`, or because its rest is still on its way) stays queued for the next
 *   read, as long as the read has at least one whole character to give. When `maxbytes`
 *   is smaller than the first character, its first bytes are consumed (the count says
 *   so) and held by the socket, in front of the next Character read, whichever thread
 *   makes it; `value` is '' until it completes.
 *
 * Reply: result = bytes consumed from the stream; ReplyLength = bytes in the data area
 * (the text, with held bytes in front); ReplyArg = the encoding of the text.
 */
import { ErrorCode } from '../errors.js';
import { MAX_DELIMITER_BYTES, Op, ReceiveFlag } from '../protocol.js';
import { codeUnitBytes, encodeText, wholeLength } from '../text/encodings.js';
import type { EngineSlot } from './slot.js';
import type { StreamSocket } from './stream-socket.js';

const NOTHING = Buffer.alloc(0);

/**
 * A ReceiveUntil request's delimiter, and the code unit it matches on: text (a string
 * delimiter, or a Character read) on a UTF-16 socket matches only where a code unit
 * starts, counted from the first byte of the reply; bytes into bytes match anywhere.
 */
interface Delimiter {
  readonly bytes: Buffer;
  readonly unit: number;
}

/** The delimiter of each ReceiveUntil request, read before the reply overwrites the data area. */
const delimiters = new WeakMap<EngineSlot, Delimiter>();

/** Reads a ReceiveUntil request's delimiter; false (after answering -10022) when it has none. */
export function takeDelimiter(slot: EngineSlot, encoding: number): boolean {
  let bytes: Buffer = Buffer.from(slot.data.subarray(0, slot.dataLength));
  const textDelimiter = (slot.arg1 & ReceiveFlag.TextDelimiter) !== 0;
  if (textDelimiter) bytes = encodeText(bytes.toString('utf8'), encoding);
  if (bytes.length === 0 || bytes.length > MAX_DELIMITER_BYTES) {
    slot.reply(ErrorCode.InvalidArgument);
    return false;
  }
  const text = textDelimiter || (slot.arg1 & ReceiveFlag.Utf8) !== 0;
  delimiters.set(slot, { bytes, unit: text ? codeUnitBytes(encoding) : 1 });
  return true;
}

/** One try at answering a shaped receive; false when it must wait for more bytes. */
export function tryShapedReceive(stream: StreamSocket, slot: EngineSlot): boolean {
  const queue = stream.queue;
  const text = (slot.arg1 & ReceiveFlag.Utf8) !== 0;
  const held = text ? stream.heldText : NOTHING;
  const queued = queue.length;
  if (queued === 0) {
    if (stream.failure !== 0) stream.replyFailure(slot);
    else if (stream.ended) slot.reply(0);
    else return false;
    return true;
  }
  const max = Math.max(1, Math.min(slot.arg0, slot.replyRoom - held.length));
  const atEnd = stream.ended || stream.failure !== 0; // no more bytes will come
  let n = Math.min(max, queued);
  let final = n === max; // the caller's bound cut it: waiting cannot change it
  let delimited = false;
  if (slot.op === Op.ReceiveUntil) {
    const delimiter = delimiters.get(slot);
    // The reply starts with the held bytes: code units count from there.
    const end = delimiter === undefined ? -1 : queue.indexOf(delimiter.bytes, n, delimiter.unit, held.length);
    if (end >= 0) [n, final, delimited] = [end, true, true];
    else if (!final && !atEnd) {
      stream.want(max); // read on, past rcvbuf if need be, until maxbytes are there
      return false;
    }
  }
  if (!text) {
    const taken = queue.take(slot.data, n);
    stream.afterTake();
    stream.answerShaped(slot, taken, taken);
    return true;
  }
  held.copy(slot.data, 0);
  const taken = queue.take(slot.data.subarray(held.length), n);
  const total = held.length + taken;
  const encoding = stream.options.encoding;
  const whole = atEnd && queue.length === 0 ? total : wholeLength(slot.data, total, encoding);
  let consumed = taken;
  if (whole === total) {
    stream.heldText = NOTHING;
  } else if (final && (whole === 0 || delimited)) {
    // Not one whole character fits in maxbytes (or the delimiter ends inside one): the
    // bytes are consumed and kept for the next Character read.
    stream.heldText = Buffer.from(slot.data.subarray(whole, total));
  } else if (whole > 0) {
    // The whole characters go now; the cut one stays queued for the next read.
    queue.putBack(Buffer.from(slot.data.subarray(whole, total)));
    consumed = taken - (total - whole);
    stream.heldText = NOTHING;
  } else {
    queue.putBack(Buffer.from(slot.data.subarray(held.length, total)));
    stream.want(queue.length + 1); // one more read, whatever rcvbuf says
    return false; // not one whole character yet: wait for its rest
  }
  stream.afterTake();
  stream.answerShaped(slot, consumed, whole, encoding);
  return true;
}
