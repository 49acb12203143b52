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
 * Receives up to and including `delimiter` (a string, in the socket's `encoding`, or
 * bytes; 1 to 64 bytes, else -10022), as Python's `readline(limit)`: returns the count
 * of bytes consumed, the delimiter included; at the end of the stream before a
 * delimiter, what is left (then 0); when `maxbytes` (or the Uint8Array's length, or
 * 512 KiB) comes first, that many bytes. Nothing past the delimiter is consumed: the
 * engine searches its queue, where the bytes are, and reads on past the socket's
 * `rcvbuf` until `maxbytes` bytes are there. On a UTF-16 socket a line of text (a string
 * delimiter, or a Character holder) matches only on whole 2-byte code units, counted
 * from the first byte returned. A blocking socket waits for one of those (bounded by its
 * `timeout` option, -522); a non-blocking one answers -10035 unless a whole line, or
 * `maxbytes`, is there.
 *
 * On a plain TCP socket the calling thread finds the line itself, in a read-ahead shared by
 * every thread (src/direct-ahead.ts); only a line that has not arrived waits in the engine.
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
