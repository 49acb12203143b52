/**
 * Text for anything thrown, for the logs and messages the library prints: never
 * `[object Object]`. An Error gives its stack; an error that lost its class on the way
 * between threads (a plain object with message/stack) gives those; anything else is
 * shown the way console.log would show it.
 */
import { inspect } from 'node:util';

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const { stack, message, name } = error as { stack?: unknown; message?: unknown; name?: unknown };
    if (typeof stack === 'string' && stack !== '') return stack;
    if (typeof message === 'string' && message !== '') return `${typeof name === 'string' ? name : 'Error'}: ${message}`;
  }
  return inspect(error, { depth: 4, breakLength: Infinity });
}
