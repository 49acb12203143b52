/**
 * What the byte send loops share (TCPSend's in send.ts, sendAsync's in async/calls.ts):
 * a send larger than one request goes in parts, every part but the last holding the
 * socket's send lock, so the whole send stays one atomic command.
 */
import { ErrorCode } from '../errors.js';
import { SendFlag } from '../protocol.js';

/** The flags of a part that ends at `end` of `length` bytes, from a lent send buffer or the general area. */
export function partFlags(lent: boolean, end: number, length: number): number {
  return (lent ? SendFlag.Lent : 0) | (end < length ? SendFlag.More : 0);
}

/**
 * The answer of a send whose part got `result` (an error code, or fewer bytes than the
 * part: a non-blocking socket's buffers are full) after `sent` bytes: -10035 after some
 * bytes is those bytes; another error is the error.
 */
export function addPart(sent: number, result: number): number {
  if (result < 0) return sent > 0 && result === ErrorCode.WouldBlock ? sent : result;
  return sent + result;
}
