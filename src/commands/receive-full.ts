/** TCPReceiveFull(socket, buffer, count): exactly `count` bytes, or all there was before the end. */
import type { Channel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { SLOT_GENERAL_BYTES } from '../protocol.js';
import { command, run } from './command.js';
import { assignHolder, bytesOf, type Holder, holderWritable, isHolder } from './payload.js';
import { receiveInto } from './receive.js';
import { positiveInteger, socketNumber } from './validate.js';

/**
 * The largest `count` a holder takes: its bytes are allocated up front, and one value
 * larger than this is not a record but a file (-10022: receive it in parts).
 */
export const MAX_HOLDER_COUNT = 1024 * 1024 * 1024;

/** A Uint8Array with room for `count`, or a holder that can take a value of `count` bytes. */
function fullBuffer(_socket: unknown, buffer: unknown, count: unknown): number {
  if (ArrayBuffer.isView(buffer)) return bytesOf(buffer).length < (count as number) ? ErrorCode.InvalidArgument : 0;
  if (!isHolder(buffer)) return ErrorCode.WrongType;
  return (count as number) > MAX_HOLDER_COUNT || !holderWritable(buffer) ? ErrorCode.InvalidArgument : 0;
}

const RECEIVE_FULL = command({
  name: 'TCPReceiveFull', min: 3, max: 3,
  rules: [[0, socketNumber], [2, positiveInteger]],
  across: fullBuffer,
  core: (channel, socket: number, buffer: Uint8Array | Holder, count: number) => {
    if (ArrayBuffer.isView(buffer)) {
      const { got, error } = receiveExactly(channel, socket, bytesOf(buffer).subarray(0, count));
      return got === 0 && error !== 0 ? error : got;
    }
    const asText = typeof buffer.value === 'string';
    let target: Uint8Array;
    try {
      target = new Uint8Array(count);
    } catch (error) {
      if (error instanceof RangeError) return ErrorCode.OutOfResources; // memory, not the caller, is short
      throw error;
    }
    const { got, error } = receiveExactly(channel, socket, target);
    if (got === 0 && error !== 0) return error;
    const value = asText ? Buffer.from(target.buffer, 0, got).toString('utf8') : target.subarray(0, got);
    return assignHolder(buffer, value) ? got : ErrorCode.InvalidArgument;
  },
});

/**
 * Receives until `count` bytes have come (HALCON's receive of a known size), or the peer
 * closed. An error after some bytes returns what came (the next call gives the error,
 * which stays); an error before any byte returns the error. A non-blocking socket returns
 * what there was, or -10035.
 * @param socket - a connected socket number
 * @param buffer - a Uint8Array with room for `count` bytes, or a holder whose value becomes the bytes (a string value: the text, decoded as UTF-8)
 * @param count - the bytes to receive, a whole number >= 1
 * @returns the bytes received: `count`, fewer when the peer closed first (0 when it closed before any byte); or an error code: -10035 nothing there (non-blocking), -522 the socket's `timeout`, -10054 reset, -10022 a buffer too small or a count out of range, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPReceiveFull(socket: number, buffer: Uint8Array | Holder, count: number): number {
  return run(RECEIVE_FULL, arguments.length, socket, buffer, count);
}

/**
 * Fills `target` by as many receives as it takes. `got` < target.length when the stream
 * ended (`error` 0) or a receive failed (`error` its code) first. Shared by
 * TCPReceiveFull and TCPReceiveData.
 */
export function receiveExactly(channel: Channel, socket: number, target: Uint8Array): { got: number; error: number } {
  let got = 0;
  while (got < target.length) {
    const rest = target.subarray(got);
    const n = receiveInto(channel, socket, rest, undefined, Math.min(SLOT_GENERAL_BYTES, rest.length));
    if (n === 0) return { got, error: 0 };
    if (n < 0) return { got, error: n };
    got += n;
  }
  return { got, error: 0 };
}
