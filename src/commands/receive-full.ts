/** TCPReceiveFull(socket, buffer, count): exactly `count` bytes, or all there was before the end. */
import { ErrorCode } from '../errors.js';
import { bytesOf, type Holder, isHolder } from './payload.js';
import { receive } from './receive.js';
import { report } from './report.js';
import { checkCount, checkSocket, isFiniteNumber } from './validate.js';

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
  if (ArrayBuffer.isView(buffer)) {
    target = bytesOf(buffer);
    if (target.length < count) return ErrorCode.InvalidArgument;
  } else if (isHolder(buffer)) {
    holder = buffer;
    target = new Uint8Array(count);
  } else {
    return ErrorCode.WrongType;
  }
  let got = 0;
  while (got < count) {
    const n = receive(2, socket, target.subarray(got, count), undefined);
    if (n === 0) break;
    if (n < 0) {
      if (got === 0) return n;
      break;
    }
    got += n;
  }
  if (holder !== undefined) {
    holder.value = typeof holder.value === 'string' ? Buffer.from(target.buffer, 0, got).toString('utf8') : target.subarray(0, got);
  }
  return got;
}
