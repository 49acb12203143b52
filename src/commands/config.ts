/** WebDevSetConfig(errorproc?, commstimeout?) and WebDevGetSecureError(). */
import { ErrorCode } from '../errors.js';
import { localCommand, run } from './command.js';
import { DEFAULT_COMMS_TIMEOUT_MS, type ErrorProc, threadState } from './thread-state.js';
import { isFiniteNumber } from './validate.js';

/** Time-outs travel to the engine as int32 milliseconds. */
const MAX_TIMEOUT_SECONDS = Math.floor(0x7fffffff / 1000);

const SET_CONFIG = localCommand({
  name: 'WebDevSetConfig', min: 0, max: 2,
  rules: [
    [0, (errorproc) => (errorproc === undefined || errorproc === null || errorproc === '' || typeof errorproc === 'function' ? 0 : ErrorCode.WrongType)],
    [1, (seconds) => (seconds === undefined || isFiniteNumber(seconds) ? 0 : ErrorCode.WrongType)],
    [1, (seconds) => (seconds === undefined || ((seconds as number) >= 0 && (seconds as number) <= MAX_TIMEOUT_SECONDS) ? 0 : ErrorCode.InvalidArgument)],
  ],
  local: (errorproc: unknown, commstimeout: number | undefined) => {
    threadState.errorProc = typeof errorproc === 'function' ? (errorproc as ErrorProc) : undefined;
    if (commstimeout !== undefined) {
      threadState.commsTimeoutMs = commstimeout === 0 ? DEFAULT_COMMS_TIMEOUT_MS : Math.ceil(commstimeout * 1000);
    }
    return 0;
  },
});

/**
 * Sets this thread's error procedure, called as errorproc(message, code, commandName)
 * for every failing command ('' or none clears it), and its comms time-out in seconds,
 * which bounds TCPConnect and name look-ups (0 restores the default 60 s; omitted
 * leaves it; fractions allowed). Both are per thread.
 * @param errorproc - a function `(message, code, commandName)`, or '' / null / omitted to clear it
 * @param commstimeout - seconds; 0: the default 60 s; omitted: unchanged
 * @returns 0, or an error code: -501 an argument of the wrong type, -10022 a time-out out of range
 */
export function WebDevSetConfig(errorproc?: ErrorProc | '' | null, commstimeout?: number): number {
  return run(SET_CONFIG, arguments.length, errorproc, commstimeout);
}

/**
 * The text of this thread's last TLS error, which a -1021 of TCPConnect, TCPAccept,
 * TCPStartTLS, TCPReceive or TCPSend (or TCPSetOption of a client certificate) left.
 * @returns the text ('' when there was none)
 */
export function WebDevGetSecureError(): string {
  return threadState.secureError;
}
