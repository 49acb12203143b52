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
 * @param socket - a socket number
 * @param option - 0 complete (the default), 1 half-close, 2 abort
 * @returns 0, or an error code: -517 another option, -10057 a half-close of a datagram socket, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPClose(socket: number, option: number = 0): number {
  return run(CLOSE, arguments.length, socket, option);
}

const BLOCK = command({
  name: 'TCPBlock', min: 2, max: 2,
  rules: [[0, socketNumber], [1, flag]],
  core: (channel, socket: number, option: number | boolean) => channel.call(Op.Block, socket, option ? 1 : 0),
});

/**
 * Makes a socket blocking (the default for every new socket) or non-blocking. On a
 * non-blocking socket a command that would wait answers -10035 instead.
 * @param socket - a socket number
 * @param option - 0 (or false) blocking; anything else non-blocking
 * @returns 0, or an error code: -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPBlock(socket: number, option: number | boolean): number {
  return run(BLOCK, arguments.length, socket, option);
}
