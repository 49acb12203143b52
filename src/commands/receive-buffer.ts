/**
 * The `buffer` and `maxbytes` of TCPReceive and TCPReceiveUntil: what they accept and how
 * much one call may return.
 */
import { ErrorCode } from '../errors.js';
import { SLOT_GENERAL_BYTES } from '../protocol.js';
import { bytesOf, holderWritable, isHolder } from './payload.js';

/** The rule of a receive buffer: a non-empty view, or a holder that can take a value (checked before any byte is taken). */
export function receiveBuffer(buffer: unknown): number {
  if (ArrayBuffer.isView(buffer)) return bytesOf(buffer).length === 0 ? ErrorCode.InvalidArgument : 0;
  if (isHolder(buffer)) return holderWritable(buffer) ? 0 : ErrorCode.InvalidArgument;
  return ErrorCode.WrongType;
}

/** At most this many bytes: 512 KiB, `maxbytes`, and the room of `target` when there is one. */
export function receiveLimit(target: Uint8Array | undefined, maxbytes: number | undefined): number {
  const limit = maxbytes === undefined ? SLOT_GENERAL_BYTES : Math.min(SLOT_GENERAL_BYTES, maxbytes);
  return target === undefined ? limit : Math.min(limit, target.length);
}
