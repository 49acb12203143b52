/**
 * Argument checks shared by the commands. Bad input is answered here, on the calling
 * thread, with a code of the table; it never reaches the engine. The classes:
 *   -503 wrong number of arguments;
 *   -501 wrong JavaScript type (NaN and the infinities count as "not a number" here);
 *   -509 a socket argument that cannot be a socket number (0, negative, fractional);
 *   -10022 a number of the right type but out of range.
 */
import { noteCommandStart, noteCommandSocket } from '../diagnostics/channels.js';
import { ErrorCode } from '../errors.js';

/** 0 when `count` is within [min, max], else -503. */
export function checkCount(count: number, min: number, max: number): number {
  noteCommandStart(); // every command checks its count first: its start, for 'tcp-commands:command'
  return count < min || count > max ? ErrorCode.WrongCount : 0;
}

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
