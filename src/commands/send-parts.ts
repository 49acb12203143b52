/**
 * TCPSend(socket, [part, ...]): strings and byte arrays as one atomic send, written
 * straight into the slot's send buffers in sequence (never joined into one array first).
 * Every call but the last holds the socket's send lock (SendFlag.More), as the parts of
 * one large send do, so no other thread's bytes come between the parts.
 *
 * Text and bytes never share a call: text goes as UTF-8 with SendFlag.Text, for the
 * engine to re-encode when the socket's `encoding` is another; a string cut between two
 * calls is cut between characters.
 */
import type { Channel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { Op, SEND_BUFFER_BYTES, SEND_TAKEN_WHOLE, SendFlag } from '../protocol.js';
import { UTF8, wholeLength } from '../text/encodings.js';
import { sendPayload } from './payload.js';

/** A string that surely fits this many bytes is encoded in place, without a copy. */
const UTF8_MAX_BYTES_PER_UNIT = 3;

/** The parts as strings and bytes; the error code when one is neither (-501) or a detached view (-10022). */
export function gatherParts(parts: readonly unknown[]): Array<string | Uint8Array> | number {
  const payloads: Array<string | Uint8Array> = [];
  for (const part of parts) {
    const payload = sendPayload(part);
    if (typeof payload === 'number') return payload;
    if (payload.length > 0) payloads.push(payload);
  }
  return payloads;
}

export function sendParts(channel: Channel, socket: number, parts: ReadonlyArray<string | Uint8Array>): number {
  let sent = 0;
  let index = 0;
  /** Position in the current part: its bytes (or its UTF-8 bytes, for a large string). */
  let position = 0;
  let encoded: Buffer | undefined; // the UTF-8 of a string too large for one call
  while (index < parts.length) {
    const lent = channel.takeSendBuffer();
    const area = lent?.buffer ?? channel.data;
    const room = Math.min(area.length, SEND_BUFFER_BYTES);
    const text = typeof parts[index] === 'string';
    let fill = 0;
    while (index < parts.length && fill < room && (typeof parts[index] === 'string') === text) {
      const part = parts[index]!;
      if (typeof part === 'string' && position === 0 && encoded === undefined && part.length * UTF8_MAX_BYTES_PER_UNIT <= room - fill) {
        fill += area.write(part, fill, 'utf8');
        index++;
        continue;
      }
      let bytes: Uint8Array;
      if (typeof part === 'string') bytes = encoded ??= Buffer.from(part, 'utf8');
      else bytes = part;
      let n = Math.min(bytes.length - position, room - fill);
      // A cut string is cut between characters (the engine may re-encode each call's text).
      if (text && position + n < bytes.length) n = wholeLength(bytes.subarray(position), n, UTF8);
      if (n === 0) break; // not even one character fits: it starts the next call
      area.set(bytes.subarray(position, position + n), fill);
      fill += n;
      position += n;
      if (position === bytes.length) {
        index++;
        position = 0;
        encoded = undefined;
      }
    }
    const last = index === parts.length;
    const flags = (lent ? SendFlag.Lent : 0) | (last ? 0 : SendFlag.More) | (text ? SendFlag.Text : 0);
    const result = channel.call(Op.Send, socket, flags, lent?.index ?? 0, 0, fill);
    if (result < 0) return sent > 0 && result === ErrorCode.WouldBlock ? sent : result;
    sent += result;
    // Non-blocking: the rest did not fit (a re-encoded part is always taken whole).
    if (result < fill && channel.replyArg !== SEND_TAKEN_WHOLE) return sent;
  }
  return sent;
}
