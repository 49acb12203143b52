/** TCPReceive(socket, buffer, maxbytes?). */
import type { Channel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { Op, RECEIVE_TRUNCATED, ReceiveFlag } from '../protocol.js';
import { command, run } from './command.js';
import { learnFromPark, receiveDirectly, receiveTextDirectly } from './direct-transfer.js';
import { bytesOf, type Holder } from './payload.js';
import { receiveBuffer, receiveLimit } from './receive-buffer.js';
import { deliver } from './receive-delivery.js';
import { maxbytes, socketNumber } from './validate.js';

/**
 * Where TCPReceive puts what it receives: a Uint8Array (or any typed array) to fill, or a
 * holder `{ value }` (a string value: a Character field; a Uint8Array value: a Binary field).
 */
export type ReceiveBuffer = ArrayBufferView | Holder;

const RECEIVE = command({
  name: 'TCPReceive', min: 2, max: 3,
  rules: [[0, socketNumber], [2, maxbytes], [1, receiveBuffer]],
  core: (channel, socket: number, buffer: ReceiveBuffer, most: number | undefined) => {
    if (!ArrayBuffer.isView(buffer)) return receiveInto(channel, socket, undefined, buffer, receiveLimit(undefined, most));
    const target = bytesOf(buffer); // a Uint8Array is itself: nothing allocated
    return receiveInto(channel, socket, target, undefined, receiveLimit(target, most));
  },
});

/**
 * Receives into a Uint8Array (from offset 0, at most min(length, maxbytes) bytes; no
 * allocation), or into a holder `{ value }`: a string value makes it a Character field
 * (text in the socket's `encoding`, never part of a character: a character cut by a
 * segment or by `maxbytes` waits for the next read), a Uint8Array value a Binary field
 * (replaced by the bytes received). A blocking socket waits for *some* data, bounded by
 * its `timeout` option; a non-blocking one answers -10035 when there is none. At most
 * 512 KiB per call. Test the result as `n < 0` (an error) and `n === 0` (the end): a loop
 * `while (TCPReceive(s, b) > 0)` cannot tell an error from the end of the stream.
 * @param socket - a connected socket number
 * @param buffer - a Uint8Array (or any typed array), or a holder `{ value: '' }` (text) / `{ value: new Uint8Array() }` (bytes)
 * @param maxbytes - the most bytes to take (default: the buffer's length, or 512 KiB for a holder)
 * @returns the count of bytes received, 0 when the peer has closed and nothing is left, or an error code: -10035 nothing there (non-blocking), -522 the socket's `timeout` passed, -10054 reset by the peer, -10053 closed meanwhile, -10057 not connected, -1021 a TLS alert, -10022 a holder that takes no new value or a detached buffer, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPReceive(socket: number, buffer: ReceiveBuffer, maxbytes?: number): number {
  return run(RECEIVE, arguments.length, socket, buffer, maxbytes);
}

/**
 * One receive of at most `limit` bytes into `target` or `holder` (TCPReceiveFull's and
 * TCPReceiveData's too): the count, 0 at the end of the stream, or an error code.
 */
export function receiveInto(channel: Channel, socket: number, target: Uint8Array | undefined, holder: Holder | undefined, limit: number): number {
  const asText = typeof holder?.value === 'string';
  const direct = asText ? receiveTextDirectly(channel, socket, holder!, limit) : receiveDirectly(channel, socket, target, holder, limit);
  if (direct !== undefined) return direct;
  const result = channel.call(Op.Receive, socket, limit, asText ? ReceiveFlag.Utf8 : 0);
  learnFromPark();
  if (result < 0) return result;
  if (!deliver(channel, result, target, holder)) return ErrorCode.InvalidArgument; // a holder that refused after all
  // A connected datagram socket's datagram longer than the buffer: its first bytes, and -10040 (as Winsock's recv).
  return (channel.replyArg & RECEIVE_TRUNCATED) !== 0 ? ErrorCode.MessageTooLong : result;
}
