/** TCPSend(socket, buffer). */
import type { Channel } from '../channel/caller.js';
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { Op, SEND_BUFFER_BYTES, SendFlag } from '../protocol.js';
import { sendDirectly } from './direct-transfer.js';
import { type SendBuffer, sendPayload } from './payload.js';
import { gatherParts, sendParts } from './send-parts.js';
import { report } from './report.js';
import { checkCount, checkSocket } from './validate.js';

/**
 * Sends a string (in the socket's `encoding`, UTF-8 by default), bytes, a holder's value,
 * or an array of strings and bytes as one atomic send (send-parts.ts). Blocking sockets send it all
 * (returning when the kernel has the last byte); non-blocking ones may send a part, or
 * answer -10035 when nothing could go. Returns the count of bytes sent.
 */
export function TCPSend(socket: number, buffer: SendBuffer | ReadonlyArray<string | ArrayBufferView>): number {
  return report('TCPSend', send(arguments.length, socket, buffer));
}

/** TCPSend without the error procedure (TCPSendData reports once, as itself). */
export function send(count: number, socket: unknown, buffer: unknown): number {
  const countError = checkCount(count, 2, 2);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (Array.isArray(buffer)) return sendGathered(socket as number, buffer);
  const payload = sendPayload(buffer);
  if (typeof payload === 'number') return payload;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const direct = sendDirectly(channel, socket as number, payload, sendBytes);
  if (direct !== undefined) return direct;
  // The common case, a string that surely fits, is encoded straight into shared memory.
  if (typeof payload === 'string' && payload.length * 3 <= SEND_BUFFER_BYTES) {
    const lent = channel.takeSendBuffer();
    const target = lent?.buffer ?? channel.data;
    const length = target.write(payload, 0, 'utf8');
    const flags = (lent ? SendFlag.Lent : 0) | SendFlag.Text; // the engine re-encodes it if need be
    return channel.call(Op.Send, socket as number, flags, lent?.index ?? 0, 0, length);
  }
  if (typeof payload === 'string') return sendParts(channel, socket as number, [payload]);
  return sendBytes(channel, socket as number, payload);
}

/** TCPSend(socket, [part, ...]): one atomic send of several strings and byte arrays (send-parts.ts). */
function sendGathered(socket: number, buffer: unknown[]): number {
  const parts = gatherParts(buffer);
  if (typeof parts === 'number') return parts;
  if (parts.length === 0) return 0;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return sendParts(channel, socket, parts);
}

/**
 * Bytes go through the two send buffers in turn; a send larger than one goes in parts,
 * every part but the last holding the socket's send lock, so the whole send stays one
 * atomic command.
 */
function sendBytes(channel: Channel, socket: number, bytes: Uint8Array): number {
  let sent = 0;
  do {
    const lent = channel.takeSendBuffer();
    const part = Math.min(bytes.length - sent, SEND_BUFFER_BYTES);
    (lent?.buffer ?? channel.data).set(bytes.subarray(sent, sent + part));
    const last = sent + part === bytes.length;
    const flags = (lent ? SendFlag.Lent : 0) | (last ? 0 : SendFlag.More);
    const result = channel.call(Op.Send, socket, flags, lent?.index ?? 0, 0, part);
    if (result < 0) return sent > 0 && result === ErrorCode.WouldBlock ? sent : result;
    sent += result;
    if (result < part) return sent; // non-blocking: the rest did not fit
  } while (sent < bytes.length);
  return sent;
}
