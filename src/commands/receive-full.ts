/** TCPReceiveFull(socket, buffer, count): exactly `count` bytes, or all there was before the end. */
import { ErrorCode } from '../errors.js';
import { assignHolder, bytesOf, type Holder, holderWritable, isHolder } from './payload.js';
import { receive } from './receive.js';
import { report } from './report.js';
import { checkCount, checkSocket, isFiniteNumber } from './validate.js';

/**
 * The largest `count` a holder takes: its bytes are allocated up front, and one value
 * larger than this is not a record but a file (-10022: receive it in parts).
 */
export const MAX_HOLDER_COUNT = 1024 * 1024 * 1024;

/**
 * Receives until `count` bytes have come (HALCON's receive of a known size), or the peer
 * closed: returns the bytes received, `count` or less at the end of the stream. A
 * Uint8Array must have room for `count`; a holder's value becomes the bytes (or text).
 * An error after some bytes returns what came (the next call gives the error, which
 * stays); an error before any byte returns the error. A non-blocking socket returns what
 * there was, or -10035.
 */
export function TCPReceiveFull(socket: number, buffer: Uint8Array | Holder, count: number): number {
  return report('TCPReceiveFull', receiveFull(arguments.length, socket, buffer, count));
}

function receiveFull(argumentCount: number, socket: unknown, buffer: unknown, count: unknown): number {
  const countError = checkCount(argumentCount, 3, 3);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (!isFiniteNumber(count)) return ErrorCode.WrongType;
  if (!Number.isInteger(count) || count < 1) return ErrorCode.InvalidArgument;
  let target: Uint8Array;
  let holder: Holder | undefined;
  let asText = false;
  if (ArrayBuffer.isView(buffer)) {
    target = bytesOf(buffer);
    if (target.length < count) return ErrorCode.InvalidArgument;
  } else if (isHolder(buffer)) {
    if (count > MAX_HOLDER_COUNT || !holderWritable(buffer)) return ErrorCode.InvalidArgument;
    holder = buffer;
    asText = typeof buffer.value === 'string';
    try {
      target = new Uint8Array(count);
    } catch (error) {
      if (error instanceof RangeError) return ErrorCode.OutOfResources; // memory, not the caller, is short
      throw error;
    }
  } else {
    return ErrorCode.WrongType;
  }
  const { got, error } = receiveExactly(socket as number, target.subarray(0, count));
  if (got === 0 && error !== 0) return error;
  if (holder !== undefined) {
    const value = asText ? Buffer.from(target.buffer, 0, got).toString('utf8') : target.subarray(0, got);
    if (!assignHolder(holder, value)) return ErrorCode.InvalidArgument;
  }
  return got;
}

/**
 * Fills `target` by as many receives as it takes. `got` < target.length when the stream
 * ended (`error` 0) or a receive failed (`error` its code) first. Shared by
 * TCPReceiveFull and TCPReceiveData.
 */
export function receiveExactly(socket: number, target: Uint8Array): { got: number; error: number } {
  let got = 0;
  while (got < target.length) {
    const n = receive(2, socket, target.subarray(got), undefined);
    if (n === 0) return { got, error: 0 };
    if (n < 0) return { got, error: n };
    got += n;
  }
  return { got, error: 0 };
}
