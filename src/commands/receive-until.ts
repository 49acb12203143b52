/** TCPReceiveUntil(socket, buffer, delimiter = '\n', maxbytes?): a line, or any delimited record. */
import type { Channel } from '../channel/caller.js';
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { MAX_DELIMITER_BYTES, Op, ReceiveFlag, SLOT_GENERAL_BYTES } from '../protocol.js';
import { bytesOf, type Holder, holderWritable, isHolder } from './payload.js';
import { deliver } from './receive-delivery.js';
import type { ReceiveBuffer } from './receive.js';
import { report } from './report.js';
import { checkCount, checkSocket, isFiniteNumber } from './validate.js';

export type Delimiter = string | ArrayBufferView;

/**
 * Receives up to and including `delimiter` (a string, in the socket's `encoding`, or
 * bytes; 1 to 64 bytes, else -10022), as Python's `readline(limit)`: returns the count
 * of bytes consumed, the delimiter included; at the end of the stream before a
 * delimiter, what is left (then 0); when `maxbytes` (or the Uint8Array's length, or
 * 512 KiB) comes first, that many bytes. Nothing past the delimiter is consumed: the
 * engine searches its queue, where the bytes are. A blocking socket waits for one of
 * those (bounded by its `timeout` option, -522); a non-blocking one answers -10035
 * unless a whole line, or `maxbytes`, is there.
 */
export function TCPReceiveUntil(socket: number, buffer: ReceiveBuffer, delimiter: Delimiter = '\n', maxbytes?: number): number {
  return report('TCPReceiveUntil', receiveUntil(arguments.length, socket, buffer, delimiter, maxbytes));
}

function receiveUntil(count: number, socket: unknown, buffer: unknown, delimiter: unknown, maxbytes: unknown): number {
  const countError = checkCount(count, 2, 4);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  let limit = SLOT_GENERAL_BYTES;
  if (maxbytes !== undefined) {
    if (!isFiniteNumber(maxbytes)) return ErrorCode.WrongType;
    if (!Number.isInteger(maxbytes) || maxbytes < 1) return ErrorCode.InvalidArgument;
    limit = Math.min(limit, maxbytes);
  }
  let target: Uint8Array | undefined;
  let holder: Holder | undefined;
  if (ArrayBuffer.isView(buffer)) {
    target = bytesOf(buffer);
    if (target.length === 0) return ErrorCode.InvalidArgument;
    limit = Math.min(limit, target.length);
  } else if (isHolder(buffer)) {
    if (!holderWritable(buffer)) return ErrorCode.InvalidArgument; // before any byte is taken
    holder = buffer;
  } else {
    return ErrorCode.WrongType;
  }
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const flags = typeof holder?.value === 'string' ? ReceiveFlag.Utf8 : 0;
  const result = postReceiveUntil(channel, socket as number, delimiter, limit, flags, channel.call.bind(channel));
  if (result < 0) return result;
  if (!deliver(channel, result, target, holder)) return ErrorCode.InvalidArgument;
  return result;
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
