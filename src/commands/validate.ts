/**
 * The argument rules the commands declare (command.ts runs them). Bad input is answered
 * here, on the calling thread, with a code of the table; it never reaches the engine.
 * The classes:
 *   -503 wrong number of arguments (command.ts);
 *   -501 wrong JavaScript type (NaN and the infinities count as "not a number" here);
 *   -509 a socket argument that cannot be a socket number (0, negative, fractional);
 *   -10022 a number of the right type but out of range.
 * A rule is a function of one value: 0 when it passes, else the code.
 */
import { noteCommandSocket } from '../diagnostics/channels.js';
import { ErrorCode } from '../errors.js';

export type Rule = (value: unknown) => number;

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** 0 when `socket` can be a socket number; the engine then decides whether it is one. */
export function checkSocket(socket: unknown): number {
  if (!isFiniteNumber(socket)) return ErrorCode.WrongType;
  if (!Number.isInteger(socket) || socket < 1 || socket > 0x7fffffff) return ErrorCode.InvalidSocket;
  noteCommandSocket(socket);
  return 0;
}

/** Omnis passes kTrue/kFalse; JavaScript callers pass booleans. Both are accepted. */
export function isFlag(value: unknown): value is boolean | number {
  return typeof value === 'boolean' || isFiniteNumber(value);
}

export const socketNumber: Rule = checkSocket;

/** Socket 0 (this thread's defaults, or this machine) or a socket number. */
export const socketOrZero: Rule = (value) => (value === 0 ? 0 : checkSocket(value));

export const flag: Rule = (value) => (isFlag(value) ? 0 : ErrorCode.WrongType);

export const text: Rule = (value) => (typeof value === 'string' ? 0 : ErrorCode.WrongType);

export const optionalText: Rule = (value) => (value === undefined || typeof value === 'string' ? 0 : ErrorCode.WrongType);

export const finiteNumber: Rule = (value) => (isFiniteNumber(value) ? 0 : ErrorCode.WrongType);

export const optionalFiniteNumber: Rule = (value) => (value === undefined || isFiniteNumber(value) ? 0 : ErrorCode.WrongType);

export const array: Rule = (value) => (Array.isArray(value) ? 0 : ErrorCode.WrongType);

/** A whole number >= 1: a count of bytes to receive (TCPReceiveFull's `count`). */
export const positiveInteger: Rule = (value) => {
  if (!isFiniteNumber(value)) return ErrorCode.WrongType;
  return Number.isInteger(value) && value >= 1 ? 0 : ErrorCode.InvalidArgument;
};

/** A receive's `maxbytes`: omitted, or a whole number >= 1 (TCPReceive, TCPReceiveUntil and their awaited forms). */
export const maxbytes: Rule = (value) => (value === undefined ? 0 : positiveInteger(value));

/** A wait's `timeout` (TCPWait, TCPFlush): omitted or 'infinite', or whole milliseconds up to 2^31-1. */
export const waitTimeout: Rule = (value) => {
  if (value === undefined || value === 'infinite') return 0;
  if (!isFiniteNumber(value)) return ErrorCode.WrongType;
  return Number.isInteger(value) && value >= 0 && value <= 0x7fffffff ? 0 : ErrorCode.InvalidArgument;
};

/** A `waitTimeout` as it travels: milliseconds, or -1 for no limit. */
export function waitTimeoutMs(timeout: number | 'infinite' | undefined): number {
  return timeout === undefined || timeout === 'infinite' ? -1 : timeout;
}
