/** TCPReceiveUntil(socket, buffer, delimiter = '\n', maxbytes?): a line, or any delimited record. */
import type { Channel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { MAX_DELIMITER_BYTES, Op, ReceiveFlag } from '../protocol.js';
import { command, run } from './command.js';
import { learnFromPark, receiveLineDirectly } from './direct-transfer.js';
import { bytesOf } from './payload.js';
import { receiveBuffer, receiveLimit } from './receive-buffer.js';
import { deliver } from './receive-delivery.js';
import type { ReceiveBuffer } from './receive.js';
import { maxbytes, socketNumber } from './validate.js';

/** TCPReceiveUntil's delimiter: a string (in the socket's `encoding`) or bytes, 1 to 64 bytes. */
export type Delimiter = string | ArrayBufferView;

const RECEIVE_UNTIL = command({
  name: 'TCPReceiveUntil', min: 2, max: 4,
  rules: [[0, socketNumber], [3, maxbytes], [1, receiveBuffer]],
  core: (channel, socket: number, buffer: ReceiveBuffer, delimiter: unknown, most: number | undefined) => {
    const target = ArrayBuffer.isView(buffer) ? bytesOf(buffer) : undefined;
    const holder = ArrayBuffer.isView(buffer) ? undefined : buffer;
    const limit = receiveLimit(target, most);
    const direct = receiveLineDirectly(channel, socket, target, holder, delimiter, limit, true);
    if (direct !== undefined) return direct;
    const flags = typeof holder?.value === 'string' ? ReceiveFlag.Utf8 : 0;
    const result = postReceiveUntil(channel, socket, delimiter, limit, flags, channel.call.bind(channel));
    learnFromPark();
    if (result < 0) return result;
    if (!deliver(channel, result, target, holder)) return ErrorCode.InvalidArgument;
    return result;
  },
});

/**
 * Receives up to and including `delimiter`, as Python's `readline(limit)`. Nothing past
 * the delimiter is consumed, so the next command (of any thread) starts right after it.
 * At the end of the stream before a delimiter: what is left (then 0); when `maxbytes`
 * (or the Uint8Array's length, or 512 KiB) comes first, that many bytes without a
 * delimiter. On a UTF-16 socket a line of text (a string delimiter, or a Character holder)
 * matches only on whole 2-byte code units, counted from the first byte returned. A
 * blocking socket waits for one of those (bounded by its `timeout` option; nothing is
 * lost: the partial line stays queued); a non-blocking one answers -10035 unless a whole
 * line, or `maxbytes`, is there.
 * @param socket - a connected socket number
 * @param buffer - as TCPReceive's: a Uint8Array, or a holder (a Character holder gets the text)
 * @param delimiter - a string (in the socket's `encoding`) or bytes, 1 to 64 bytes (default '\n')
 * @param maxbytes - the longest line to take (default: the buffer's length, or 512 KiB)
 * @returns the count of bytes consumed, the delimiter included; 0 when the peer has closed and nothing is left; or an error code: -10035 no whole line (non-blocking), -522 the socket's `timeout` passed, -10054 reset, -10057 not connected, -10022 a delimiter empty or longer than 64 bytes, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPReceiveUntil(socket: number, buffer: ReceiveBuffer, delimiter: Delimiter = '\n', maxbytes?: number): number {
  return run(RECEIVE_UNTIL, arguments.length, socket, buffer, delimiter, maxbytes);
}

/**
 * Writes the delimiter into the data area and posts the request with `call` (blocking or
 * awaited); -501 / -10022 for a delimiter that cannot be one.
 */
export function postReceiveUntil<R>(
  channel: Channel,
  socket: number,
  delimiter: unknown,
  limit: number,
  flags: number,
  call: (op: number, socket: number, arg0: number, arg1: number, arg2: number, dataLength: number) => R,
): R | number {
  let length: number;
  if (typeof delimiter === 'string') {
    // The engine encodes it in the socket's encoding, and checks the length then.
    if (delimiter === '' || Buffer.byteLength(delimiter) > 4 * MAX_DELIMITER_BYTES) return ErrorCode.InvalidArgument;
    length = channel.data.write(delimiter, 0, 'utf8');
    flags |= ReceiveFlag.TextDelimiter;
  } else if (ArrayBuffer.isView(delimiter)) {
    const bytes = bytesOf(delimiter);
    if (bytes.length === 0 || bytes.length > MAX_DELIMITER_BYTES) return ErrorCode.InvalidArgument;
    channel.data.set(bytes);
    length = bytes.length;
  } else {
    return ErrorCode.WrongType;
  }
  return call(Op.ReceiveUntil, socket, limit, flags, 0, length);
}
