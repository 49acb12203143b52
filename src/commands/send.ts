/** TCPSend(socket, buffer). */
import type { Channel } from '../channel/caller.js';
import { Op, SEND_BUFFER_BYTES, SendFlag } from '../protocol.js';
import { command, run } from './command.js';
import { sendDirectly } from './direct-transfer.js';
import { type SendBuffer, sendPayload } from './payload.js';
import { addPart, partFlags } from './send-bytes.js';
import { gatherParts, sendParts } from './send-parts.js';
import { socketNumber } from './validate.js';

/** TCPSend's buffer: a payload (payload.ts), or an array of them sent as one (send-parts.ts). */
function sendBuffer(buffer: unknown): number {
  if (Array.isArray(buffer)) {
    const parts = gatherParts(buffer);
    return typeof parts === 'number' ? parts : 0;
  }
  const payload = sendPayload(buffer);
  return typeof payload === 'number' ? payload : 0;
}

const SEND = command({
  name: 'TCPSend', min: 2, max: 2,
  rules: [[0, socketNumber], [1, sendBuffer]],
  core: (channel, socket: number, buffer: unknown) => {
    if (Array.isArray(buffer)) return sendGathered(channel, socket, buffer);
    const payload = sendPayload(buffer); // a Uint8Array is itself: nothing allocated
    return typeof payload === 'number' ? payload : transmit(channel, socket, payload);
  },
});

/**
 * Sends a string (in the socket's `encoding`, UTF-8 by default), bytes, a holder's value,
 * or an array of strings and bytes as one atomic send (no other thread's bytes come
 * between the parts). A blocking socket sends it all: the call returns once the kernel or
 * the engine holds the last byte (the calling thread writes to the kernel itself while it
 * takes the bytes; the rest waits in the engine's buffer, up to the socket's `sndbuf`,
 * for room), so bytes may still be on their way: TCPFlush waits until the kernel has them
 * all. A non-blocking socket may send a part, or answer -10035 when nothing could go. On
 * TLS sockets sends always block.
 * @param socket - a connected socket number
 * @param buffer - a string, a Uint8Array (or any typed array or DataView), a holder `{ value }`, or an array of strings and byte arrays
 * @returns the count of bytes sent, or an error code: -10035 nothing could go (non-blocking), -522 the socket's `timeout` passed while waiting for room, -10054 reset by the peer, -10058 after a half-close, -10057 not connected, -10053 closed meanwhile, -1021 a TLS alert, -10022 a detached buffer, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPSend(socket: number, buffer: SendBuffer | ReadonlyArray<string | ArrayBufferView>): number {
  return run(SEND, arguments.length, socket, buffer);
}

/** TCPSend's work once its arguments are checked (TCPSendData's too): the bytes sent, or an error code. */
export function transmit(channel: Channel, socket: number, payload: string | Uint8Array): number {
  const direct = sendDirectly(channel, socket, payload, sendBytes);
  if (direct !== undefined) return direct;
  // The common case, a string that surely fits, is encoded straight into shared memory.
  if (typeof payload === 'string' && payload.length * 3 <= SEND_BUFFER_BYTES) {
    const lent = channel.takeSendBuffer();
    const target = lent?.buffer ?? channel.data;
    const length = target.write(payload, 0, 'utf8');
    const flags = (lent ? SendFlag.Lent : 0) | SendFlag.Text; // the engine re-encodes it if need be
    return channel.call(Op.Send, socket, flags, lent?.index ?? 0, 0, length);
  }
  if (typeof payload === 'string') return sendParts(channel, socket, [payload]);
  return sendBytes(channel, socket, payload);
}

/** TCPSend(socket, [part, ...]): one atomic send of several strings and byte arrays (send-parts.ts). */
function sendGathered(channel: Channel, socket: number, buffer: unknown[]): number {
  const parts = gatherParts(buffer);
  if (typeof parts === 'number') return parts;
  return parts.length === 0 ? 0 : sendParts(channel, socket, parts);
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
    const result = channel.call(Op.Send, socket, partFlags(lent !== undefined, sent + part, bytes.length), lent?.index ?? 0, 0, part);
    if (result < part) return addPart(sent, result); // an error, or non-blocking: the rest did not fit
    sent += result;
  } while (sent < bytes.length);
  return sent;
}

