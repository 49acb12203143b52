/** TCPReceive(socket, buffer, maxbytes?). */
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { Op, ReceiveFlag, SLOT_GENERAL_BYTES } from '../protocol.js';
import { learnFromPark, receiveDirectly } from './direct-transfer.js';
import { bytesOf, type Holder, holderWritable, isHolder } from './payload.js';
import { deliver } from './receive-delivery.js';
import { report } from './report.js';
import { checkCount, checkSocket, isFiniteNumber } from './validate.js';

export type ReceiveBuffer = ArrayBufferView | Holder;

/**
 * Receives into a Uint8Array (from offset 0, at most min(length, maxbytes) bytes; no
 * allocation), or into a holder `{ value }`: a string value makes it a Character field
 * (in the socket's `encoding`, never part of a character: see receive-shaped.ts), a
 * Uint8Array value a Binary field (replaced
 * by the bytes received). A blocking socket waits for *some* data; a non-blocking one
 * answers -10035 when there is none. Returns the count of bytes, 0 when the peer has
 * closed and nothing is left. At most 512 KiB is returned per call.
 */
export function TCPReceive(socket: number, buffer: ReceiveBuffer, maxbytes?: number): number {
  return report('TCPReceive', receive(arguments.length, socket, buffer, maxbytes));
}

/** TCPReceive without the error procedure (TCPReceiveFull reports once, as itself). */
export function receive(count: number, socket: unknown, buffer: unknown, maxbytes: unknown): number {
  const countError = checkCount(count, 2, 3);
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
  const asText = typeof holder?.value === 'string';
  if (!asText) {
    const direct = receiveDirectly(channel, socket as number, target, holder, limit);
    if (direct !== undefined) return direct;
  }
  const result = channel.call(Op.Receive, socket as number, limit, asText ? ReceiveFlag.Utf8 : 0);
  learnFromPark();
  if (result < 0) return result;
  if (!deliver(channel, result, target, holder)) return ErrorCode.InvalidArgument; // a holder that refused after all
  return result;
}
