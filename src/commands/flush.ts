/** TCPFlush(socket, timeout?): wait until what was sent has left node for the kernel. */
import { ErrorCode } from '../errors.js';
import { Op } from '../protocol.js';
import { report } from './report.js';
import { callOnSocket } from './socket-call.js';
import { checkCount, isFiniteNumber } from './validate.js';

/**
 * A blocking TCPSend returns once the engine has the bytes (up to `sndbuf` of them wait
 * in node, in front of the kernel). TCPFlush returns 0 once they have all gone to the
 * kernel, whose buffers survive the process: after it, an exit loses nothing sent. The
 * connection's error if it failed first (those bytes were not delivered), -10053 if the
 * socket is closed meanwhile, -522 when `timeout` ms pass first (omitted or 'infinite':
 * no limit; a whole number up to 2^31-1, else -10022; not a number: -501).
 */
export function TCPFlush(socket: number, timeout?: number | 'infinite'): number {
  return report('TCPFlush', flush(arguments.length, socket, timeout));
}

function flush(count: number, socket: unknown, timeout: unknown): number {
  const countError = checkCount(count, 1, 2);
  if (countError !== 0) return countError;
  let ms = -1;
  if (timeout !== undefined && timeout !== 'infinite') {
    if (!isFiniteNumber(timeout)) return ErrorCode.WrongType;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > 0x7fffffff) return ErrorCode.InvalidArgument;
    ms = timeout;
  }
  return callOnSocket(Op.FlushSocket, 1, socket, ms);
}
