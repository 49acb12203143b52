/** TCPAvailable, TCPWait and TCPStats (extensions from Maxon, 4D and diagnostics). */
import { openChannel } from '../channel/caller.js';
import type { EngineStats } from '../engine-stats.js';
import { ErrorCode } from '../errors.js';
import { Op } from '../protocol.js';
import { report } from './report.js';
import { callOnSocket } from './socket-call.js';
import { checkCount, isFiniteNumber } from './validate.js';

/** Bytes received on a connection and not read yet (a read of that many will not block). */
export function TCPAvailable(socket: number): number {
  const count = arguments.length;
  return report('TCPAvailable', callOnSocket(Op.Available, count, socket));
}

/**
 * Blocks until the peer closes its side of the connection (0: what it sent before is
 * still there to read), the connection fails (its error), or `timeout` ms pass (-522).
 * `timeout` omitted or 'infinite': no limit.
 */
export function TCPWait(socket: number, timeout?: number | 'infinite'): number {
  return report('TCPWait', wait(arguments.length, socket, timeout));
}

function wait(count: number, socket: unknown, timeout: unknown): number {
  const countError = checkCount(count, 1, 2);
  if (countError !== 0) return countError;
  let ms = -1;
  if (timeout !== undefined && timeout !== 'infinite') {
    if (!isFiniteNumber(timeout)) return ErrorCode.WrongType;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > 0x7fffffff) return ErrorCode.InvalidArgument;
    ms = timeout;
  }
  return callOnSocket(Op.Wait, 1, socket, ms);
}


export type { EngineStats };

/**
 * The engine's figures: open sockets by kind, requests parked, bytes in and out, engine
 * restarts, slots, its heap. An error code when there is no engine.
 */
export function TCPStats(): EngineStats | number {
  const count = arguments.length;
  const countError = checkCount(count, 0, 0);
  if (countError !== 0) return report('TCPStats', countError);
  const channel = openChannel();
  if (typeof channel === 'number') return report('TCPStats', channel);
  const result = channel.call(Op.Stats, 0);
  if (result < 0) return report('TCPStats', result);
  return JSON.parse(channel.replyText()) as EngineStats;
}
