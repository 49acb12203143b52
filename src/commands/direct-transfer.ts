/**
 * The commands' doors to the direct path (src/channel/direct/): TCPReceive, TCPReceiveUntil
 * and TCPSend try it first and fall back to the engine path when it answers undefined.
 * Text goes direct too: the socket's `encoding` is in its entry (Direct.Encoding), so a
 * string is encoded and a Character field decoded on the calling thread.
 */
import type { Channel } from '../channel/caller.js';
import { takeParkedSince } from '../channel/direct/patience.js';
import { receiveDirect } from '../channel/direct/receive.js';
import { type LineRequest, receiveLineDirect } from '../channel/direct/receive-line.js';
import { receiveTextDirect } from '../channel/direct/receive-text.js';
import { sendDirect } from '../channel/direct/send.js';
import { directReceiveSpin } from '../channel/spin.js';
import { entryOf, tableWords } from '../channel/direct/table.js';
import { assignHolder, bytesOf, type Holder } from './payload.js';
import { ErrorCode } from '../errors.js';
import { Direct, DirectFlag } from '../direct-layout.js';
import { MAX_DELIMITER_BYTES, Op } from '../protocol.js';
import { codeUnitBytes, decodeText, encodeText, UTF8 } from '../text/encodings.js';

/**
 * Reads at most `limit` bytes into `target`, or into a Binary holder (a new Uint8Array);
 * undefined when the engine must answer.
 */
export function receiveDirectly(channel: Channel, socket: number, target: Uint8Array | undefined, holder: Holder | undefined, limit: number): number | undefined {
  const into = target !== undefined ? target.subarray(0, limit) : channel.data.subarray(0, limit);
  const result = receiveDirect(socket, into, channel.id, (bytes) => giveBack(channel, socket, bytes));
  if (result !== undefined && result >= 0 && holder !== undefined) holder.value = new Uint8Array(into.subarray(0, result));
  // A datagram longer than the buffer (a connected datagram socket): its first bytes fill it.
  if (result === ErrorCode.MessageTooLong && holder !== undefined) holder.value = new Uint8Array(into);
  return result;
}

/** Bytes a direct read took after its socket's entry closed (a TCPStartTLS or close began) go back to the engine. */
function giveBack(channel: Channel, socket: number, bytes: Uint8Array): void {
  channel.data.set(bytes); // (a no-op copy when they were read into the data area)
  channel.call(Op.GiveBack, socket, 0, 0, 0, bytes.length);
}

/**
 * A receive into a Character holder: whole characters of the socket's encoding, decoded on
 * this thread; the count of bytes they took, or undefined when the engine must answer.
 */
export function receiveTextDirectly(channel: Channel, socket: number, holder: Holder, limit: number): number | undefined {
  const base = entryOf(socket);
  if (base < 0) return undefined;
  const encoding = Atomics.load(tableWords(), base + Direct.Encoding);
  const result = receiveTextDirect(socket, base, channel.id, channel.data, limit, encoding, (bytes) => giveBack(channel, socket, bytes));
  if (result === undefined || result < 0) return result;
  return assignHolder(holder, decodeText(channel.data.subarray(0, result), encoding)) ? result : ErrorCode.InvalidArgument;
}

/** One request per thread, refilled per call. */
const lineRequest: LineRequest = { delimiter: new Uint8Array(0), unit: 1, limit: 0, encoding: -1, characters: false, wait: true };

/** The last string delimiter encoded, per thread: a script reads its lines with one delimiter. */
let lastDelimiter: { text: string; encoding: number; bytes: Uint8Array } = { text: '', encoding: -1, bytes: new Uint8Array(0) };

/**
 * TCPReceiveUntil's direct path: the line into `target`, or into `holder` (Character or
 * Binary); its count, or undefined when the engine must answer (also for a delimiter the
 * engine refuses, so the codes stay its own). `wait` false for the awaited form: no spin.
 */
export function receiveLineDirectly(
  channel: Channel,
  socket: number,
  target: Uint8Array | undefined,
  holder: Holder | undefined,
  delimiter: unknown,
  limit: number,
  wait: boolean,
): number | undefined {
  const base = entryOf(socket);
  if (base < 0) return undefined;
  const encoding = Atomics.load(tableWords(), base + Direct.Encoding);
  const text = typeof holder?.value === 'string';
  let bytes: Uint8Array;
  if (typeof delimiter === 'string') {
    if (lastDelimiter.text !== delimiter || lastDelimiter.encoding !== encoding) {
      if (delimiter === '') return undefined;
      lastDelimiter = { text: delimiter, encoding, bytes: encodeText(delimiter, encoding) };
    }
    bytes = lastDelimiter.bytes;
  } else if (ArrayBuffer.isView(delimiter)) {
    bytes = bytesOf(delimiter);
  } else {
    return undefined;
  }
  if (bytes.length === 0 || bytes.length > MAX_DELIMITER_BYTES) return undefined;
  const request = lineRequest;
  request.delimiter = bytes;
  // Text (a string delimiter, or a Character field) matches on whole code units (UTF-16: 2 bytes).
  request.unit = text || typeof delimiter === 'string' ? codeUnitBytes(encoding) : 1;
  request.limit = limit;
  // The encoding the delimiter was encoded in, or the text is decoded in, must still be the socket's.
  request.encoding = text || typeof delimiter === 'string' ? encoding : -1;
  request.characters = text;
  request.wait = wait;
  const into = target ?? channel.data;
  const result = receiveLineDirect(socket, base, channel.id, into, request);
  if (result === undefined || result < 0 || holder === undefined) return result;
  const value = text ? decodeText(into.subarray(0, result), encoding) : new Uint8Array(into.subarray(0, result));
  return assignHolder(holder, value) ? result : ErrorCode.InvalidArgument;
}

/** After a receive the engine answered: what its spin should learn from a park. */
export function learnFromPark(): void {
  const since = takeParkedSince();
  if (since !== 0) directReceiveSpin.parked((performance.now() - since) * 1000);
}

/** Room to encode a string send in UTF-8 without allocating (per thread). */
let textRoom: Buffer | undefined;
const TEXT_ROOM_BYTES = 64 * 1024;

/** TCPSend's direct path; undefined when the engine must take the whole send. */
export function sendDirectly(
  channel: Channel,
  socket: number,
  payload: string | Uint8Array,
  sendRest: (channel: Channel, socket: number, rest: Uint8Array) => number,
): number | undefined {
  const base = entryOf(socket);
  if (base < 0 || payload.length === 0) return undefined; // the engine answers an empty send as it always did
  let bytes: Uint8Array;
  if (typeof payload !== 'string') bytes = payload;
  else {
    const words = tableWords();
    const encoding = Atomics.load(words, base + Direct.Encoding);
    if (encoding === UTF8 && payload.length * 3 <= TEXT_ROOM_BYTES) {
      textRoom ??= Buffer.allocUnsafe(TEXT_ROOM_BYTES);
      bytes = textRoom.subarray(0, textRoom.write(payload, 0, 'utf8'));
    } else {
      // A re-encoded string is taken whole even by a non-blocking socket (docs/commands.md, `encoding`): the engine's to do.
      if (encoding !== UTF8 && (Atomics.load(words, base + Direct.Flags) & DirectFlag.NonBlocking) !== 0) return undefined;
      bytes = encodeText(payload, encoding); // encoded now: what the engine sends of it is bytes
    }
  }
  return sendDirect(socket, bytes, channel.id, (rest) => sendRest(channel, socket, rest));
}
