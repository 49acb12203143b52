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
import { receive } from './receive.js';
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
  const bytes = encodeValues(items, values);
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
  const readExactly = (n: number): Uint8Array | number => {
    const bytes = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = receive(3, socket, bytes.subarray(got), n - got);
      if (r < 0) return r;
      if (r === 0) break;
      got += r;
    }
    return bytes.subarray(0, got);
  };
  return decodeValues(items, readExactly, ErrorCode.BadDataFormat);
}
