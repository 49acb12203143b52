/**
 * The one channel through which the library writes anything unasked: off unless the
 * process runs with NODE_DEBUG=tcp-commands (node's own switch, util.debuglog), and then
 * to stderr, each kind of event rate-limited (repeat-limiter.ts). Used on the engine
 * thread, whose node:diagnostics_channel subscribers no other thread could see.
 *
 * Lines are written with a synchronous write to fd 2, not through process.stderr: a worker
 * thread's process.stderr is relayed by the main thread's event loop, which may be blocked
 * in a command (Atomics.wait) for as long as the event matters.
 */
import { writeSync } from 'node:fs';
import { debuglog } from 'node:util';
import { RepeatLimiter } from './repeat-limiter.js';

export const DEBUG_SECTION = 'tcp-commands';

/** Read once: NODE_DEBUG is fixed when the thread starts, and a check per event must cost nothing. */
export const debugEnabled: boolean = debuglog(DEBUG_SECTION).enabled;

const prefix = `${DEBUG_SECTION.toUpperCase()} ${process.pid}: `;

function writeLine(line: string): void {
  try {
    // One event, one line: node's TLS messages carry newlines of their own.
    writeSync(2, `${prefix}${line.replace(/\s*\n\s*/g, ' ')}\n`);
  } catch {
    // stderr closed or full: a diagnostic line is not worth failing for
  }
}

const limiter = new RepeatLimiter(writeLine);

/**
 * Logs an event of kind `kind` (a plural noun, used in the summary of suppressed lines).
 * `text` may be a function, so that a caller builds no string while logging is off.
 */
export function debugEvent(kind: string, text: string | (() => string)): void {
  if (!debugEnabled) return;
  limiter.line(kind, typeof text === 'string' ? text : text());
}
