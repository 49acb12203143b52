/**
 * The commands' doors to the direct path (src/channel/direct/): TCPReceive and TCPSend try
 * it first and fall back to the engine path when it answers undefined. Receives into a
 * Character field (text holders) always take the engine path: it keeps a split UTF-8
 * character back for the next call.
 */
import type { Channel } from '../channel/caller.js';
import { receiveDirect, takeParkedSince } from '../channel/direct/receive.js';
import { sendDirect } from '../channel/direct/send.js';
import { directReceiveSpin } from '../channel/spin.js';
import { entryOf } from '../channel/direct/table.js';
import type { Holder } from './payload.js';
import { ErrorCode } from '../errors.js';
import { Op } from '../protocol.js';

/**
 * Reads at most `limit` bytes into `target`, or into a Binary holder (a new Uint8Array);
 * undefined when the engine must answer.
 */
export function receiveDirectly(channel: Channel, socket: number, target: Uint8Array | undefined, holder: Holder | undefined, limit: number): number | undefined {
  const into = target !== undefined ? target.subarray(0, limit) : channel.data.subarray(0, limit);
  const result = receiveDirect(socket, into, channel.id, (bytes) => {
    channel.data.set(bytes); // (a no-op copy when they were read into the data area)
    channel.call(Op.GiveBack, socket, 0, 0, 0, bytes.length);
  });
  if (result !== undefined && result >= 0 && holder !== undefined) holder.value = new Uint8Array(into.subarray(0, result));
  // A datagram longer than the buffer (a connected datagram socket): its first bytes fill it.
  if (result === ErrorCode.MessageTooLong && holder !== undefined) holder.value = new Uint8Array(into);
  return result;
}

/** After a receive the engine answered: what its spin should learn from a park. */
export function learnFromPark(): void {
  const since = takeParkedSince();
  if (since !== 0) directReceiveSpin.parked((performance.now() - since) * 1000);
}

/** TCPSend's direct path; undefined when the engine must take the whole send. */
export function sendDirectly(
  channel: Channel,
  socket: number,
  payload: string | Uint8Array,
  sendRest: (channel: Channel, socket: number, rest: Uint8Array) => number,
): number | undefined {
  // Text goes in the socket's `encoding`, which only the engine knows for sure (another
  // thread may change it): Character sends take the engine path (send-text.ts).
  if (typeof payload === 'string' || entryOf(socket) < 0) return undefined;
  const bytes: Uint8Array = payload;
  if (bytes.length === 0) return undefined; // the engine answers an empty send as it always did
  return sendDirect(socket, bytes, channel.id, (rest) => sendRest(channel, socket, rest));
}
