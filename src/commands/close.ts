/** TCPClose(socket, option = 0) and TCPBlock(socket, option). */
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { CloseOption, Op } from '../protocol.js';
import { report } from './report.js';
import { checkCount, checkSocket, isFiniteNumber, isFlag } from './validate.js';

/**
 * Closes a socket. 0 complete: FIN, discard what still arrives, release the number.
 * 1 half-close: FIN, keep receiving, close again later. 2 abort: reset, release at once.
 * Threads blocked on the socket are woken with -10053.
 */
export function TCPClose(socket: number, option: number = 0): number {
  return report('TCPClose', close(arguments.length, socket, option));
}

function close(count: number, socket: unknown, option: unknown): number {
  const countError = checkCount(count, 1, 2);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (!isFiniteNumber(option)) return ErrorCode.WrongType;
  if (!(Object.values(CloseOption) as number[]).includes(option)) return ErrorCode.InvalidCloseOption;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(Op.Close, socket as number, option);
}

/** 0 (or false) makes the socket blocking, the default; anything else non-blocking. */
export function TCPBlock(socket: number, option: number | boolean): number {
  return report('TCPBlock', block(arguments.length, socket, option));
}

function block(count: number, socket: unknown, option: unknown): number {
  const countError = checkCount(count, 2, 2);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (!isFlag(option)) return ErrorCode.WrongType;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(Op.Block, socket as number, option ? 1 : 0);
}
