/**
 * TCPSendData(socket, format, values) and TCPReceiveData(socket, format): typed binary
 * records, HALCON's send_data / receive_data in the letters of Python's struct (see
 * src/framing/format.ts for the letters). A bad format or values that do not fit it give
 * -1030, never an exception.
 */
import { ErrorCode } from '../errors.js';
import { decodeValues } from '../framing/decode.js';
import { encodeValues } from '../framing/encode.js';
import { type FormatItem, parseFormat } from '../framing/format.js';
import { command, run } from './command.js';
import type { Channel } from '../channel/caller.js';
import { receiveExactly } from './receive-full.js';
import { receiveInto } from './receive.js';
import { isDatagram } from './socket-kind.js';
import { transmit } from './send.js';
import { array, socketNumber, text } from './validate.js';

/** The rule of a format string that parses. */
function dataFormat(format: unknown): number {
  return Array.isArray(parseFormat(format as string)) ? 0 : ErrorCode.BadDataFormat;
}

/** Allocations of a record of up to 1 GiB: a RangeError when memory is short (-10055). */
function allocated<T>(make: () => T): T | number {
  try {
    return make();
  } catch (error) {
    if (error instanceof RangeError) return ErrorCode.OutOfResources;
    throw error;
  }
}

const SEND_DATA = command({
  name: 'TCPSendData', min: 3, max: 3,
  rules: [[0, socketNumber], [1, text], [2, array], [1, dataFormat]],
  core: (channel, socket: number, format: string, values: unknown[]) => {
    const items = parseFormat(format);
    if (!Array.isArray(items)) return ErrorCode.BadDataFormat;
    const bytes = allocated(() => encodeValues(items, values));
    if (typeof bytes === 'number') return bytes;
    return Buffer.isBuffer(bytes) ? transmit(channel, socket, bytes) : ErrorCode.BadDataFormat;
  },
});

/**
 * Sends `values` encoded as `format` says, in one TCPSend (HALCON's send_data). The
 * format is in the letters of Python's `struct` (b B h H i I q Q f d s x) plus A
 * (space-padded string), z (NUL-terminated string) and r (raw bytes); > or ! big-endian
 * (the default), < little-endian, = this machine's order.
 * @param socket - a connected socket number
 * @param format - the format string, e.g. '>H q d 8s z'
 * @param values - one value per item of the format (64-bit integers as bigint or safe numbers)
 * @returns the bytes sent, or an error code: -1030 a bad format or values that do not fit it (nothing sent), -501 a format that is not a string or values that are not an array, otherwise TCPSend's codes (-10035, -522, -10054, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count)
 */
export function TCPSendData(socket: number, format: string, values: unknown[]): number {
  return run(SEND_DATA, arguments.length, socket, format, values);
}

const RECEIVE_DATA = command({
  name: 'TCPReceiveData', min: 2, max: 2,
  rules: [[0, socketNumber], [1, text], [1, dataFormat]],
  core: (channel, socket: number, format: string): unknown[] | number => {
    const items = parseFormat(format);
    if (!Array.isArray(items)) return ErrorCode.BadDataFormat;
    if (isDatagram(channel, socket)) return receiveDatagramRecord(channel, socket, items);
    // An error inside a record is returned as it is; the bytes of the record read so far are
    // gone (docs/framing.md: treat it as the end of the connection).
    const readExactly = (n: number): Uint8Array | number => {
      const bytes = allocated(() => new Uint8Array(n));
      if (typeof bytes === 'number') return bytes;
      const { got, error } = receiveExactly(channel, socket, bytes);
      return error !== 0 ? error : bytes.subarray(0, got);
    };
    return decodeValues(items, readExactly, ErrorCode.BadDataFormat);
  },
});

/** Room for the largest datagram (65,527 bytes over IPv6), kept for this thread's next one. */
let datagramRoom: Uint8Array | undefined;

/**
 * A datagram socket's record is one datagram: received whole, then decoded from its
 * start. A datagram shorter than the record: -1030; bytes after the record are ignored
 * (as Python's struct.unpack_from); an empty datagram: 0, as a stream's end before a record.
 */
function receiveDatagramRecord(channel: Channel, socket: number, items: FormatItem[]): unknown[] | number {
  datagramRoom ??= new Uint8Array(65_536);
  const length = receiveInto(channel, socket, datagramRoom, undefined, datagramRoom.length);
  if (length < 0) return length;
  const datagram = datagramRoom.subarray(0, length);
  let at = 0;
  const readExactly = (n: number): Uint8Array => {
    const bytes = datagram.subarray(at, Math.min(at + n, datagram.length));
    at += bytes.length;
    return new Uint8Array(bytes); // the room is reused by the next datagram
  };
  return decodeValues(items, readExactly, ErrorCode.BadDataFormat);
}

/**
 * Receives one record as `format` says (HALCON's receive_data), as many receives as it
 * takes. After an error inside a record the stream is out of step: treat it as the end
 * of the connection.
 * @param socket - a connected socket number (or a datagram socket with a default peer: one record per datagram)
 * @param format - the format string, as TCPSendData's
 * @returns the record's values as an array (64-bit integers as bigint), 0 when the peer closed before the record began, or an error code: -1030 a bad format or the peer closed inside the record, otherwise TCPReceive's codes (-522, -10035, -10054, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count)
 */
export function TCPReceiveData(socket: number, format: string): unknown[] | number {
  return run(RECEIVE_DATA, arguments.length, socket, format);
}
