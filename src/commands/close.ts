/** TCPClose(socket, option = 0) and TCPBlock(socket, option). */
import { ErrorCode } from '../errors.js';
import { CloseOption, Op } from '../protocol.js';
import { command, run } from './command.js';
import { forgetSocket } from './socket-kind.js';
import { finiteNumber, flag, socketNumber } from './validate.js';

const CLOSE_OPTIONS: readonly number[] = Object.values(CloseOption);

function closeOption(option: unknown): number {
  return CLOSE_OPTIONS.includes(option as number) ? 0 : ErrorCode.InvalidCloseOption;
}

const CLOSE = command({
  name: 'TCPClose', min: 1, max: 2,
  rules: [[0, socketNumber], [1, finiteNumber], [1, closeOption]],
  core: (channel, socket: number, option: number) => {
    const result = channel.call(Op.Close, socket, option);
    if (result === 0 && option !== CloseOption.HalfClose) forgetSocket(socket);
    return result;
  },
});

/**
 * Closes a socket. 0 complete: FIN, discard what still arrives, release the number.
 * 1 half-close: FIN, keep receiving, close again later. 2 abort: reset, release at once.
 * Threads blocked on the socket are woken with -10053.
 */
export function TCPClose(socket: number, option: number = 0): number {
  return run(CLOSE, arguments.length, socket, option);
}

const BLOCK = command({
  name: 'TCPBlock', min: 2, max: 2,
  rules: [[0, socketNumber], [1, flag]],
  core: (channel, socket: number, option: number | boolean) => channel.call(Op.Block, socket, option ? 1 : 0),
});

/** 0 (or false) makes the socket blocking, the default; anything else non-blocking. */
export function TCPBlock(socket: number, option: number | boolean): number {
  return run(BLOCK, arguments.length, socket, option);
}
