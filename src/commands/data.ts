/**
 * TCPSendData(socket, format, values) and TCPReceiveData(socket, format): typed binary
 * records, HALCON's send_data / receive_data in the letters of Python's struct (see
 * src/framing/format.ts for the letters). A bad format or values that do not fit it give
 * -1030, never an exception.
 */
import { ErrorCode } from '../errors.js';
import { decodeValues } from '../framing/decode.js';
import { encodeValues } from '../framing/encode.js';
import { parseFormat } from '../framing/format.js';
import { receiveExactly } from './receive-full.js';
import { report } from './report.js';
import { send } from './send.js';
import { checkCount, checkSocket } from './validate.js';

/** Sends `values` encoded as `format` says; the bytes sent, or an error code. */
export function TCPSendData(socket: number, format: string, values: unknown[]): number {
  return report('TCPSendData', sendData(arguments.length, socket, format, values));
}

function sendData(count: number, socket: unknown, format: unknown, values: unknown): number {
  const countError = checkCount(count, 3, 3);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (typeof format !== 'string' || !Array.isArray(values)) return ErrorCode.WrongType;
  const items = parseFormat(format);
  if (!Array.isArray(items)) return ErrorCode.BadDataFormat;
  let bytes: ReturnType<typeof encodeValues>;
  try {
    bytes = encodeValues(items, values);
  } catch (error) {
    if (error instanceof RangeError) return ErrorCode.OutOfResources; // a record of up to 1 GiB did not fit in memory
    throw error;
  }
  if (!Buffer.isBuffer(bytes)) return ErrorCode.BadDataFormat;
  return send(2, socket, bytes);
}

/**
 * Receives one record as `format` says and returns its values (integers of 64 bits as
 * bigint). 0 when the peer closed before the record began, -1030 when it closed in the
 * middle, or the receive's error code.
 */
export function TCPReceiveData(socket: number, format: string): unknown[] | number {
  return report('TCPReceiveData', receiveData(arguments.length, socket, format));
}

function receiveData(count: number, socket: unknown, format: unknown): unknown[] | number {
  const countError = checkCount(count, 2, 2);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (typeof format !== 'string') return ErrorCode.WrongType;
  const items = parseFormat(format);
  if (!Array.isArray(items)) return ErrorCode.BadDataFormat;
  // An error inside a record is returned as it is; the bytes of the record read so far are
  // gone (README: treat it as the end of the connection).
  const readExactly = (n: number): Uint8Array | number => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(n);
    } catch (error) {
      if (error instanceof RangeError) return ErrorCode.OutOfResources; // a record of up to 1 GiB did not fit in memory
      throw error;
    }
    const { got, error } = receiveExactly(socket as number, bytes);
    return error !== 0 ? error : bytes.subarray(0, got);
  };
  return decodeValues(items, readExactly, ErrorCode.BadDataFormat);
}
