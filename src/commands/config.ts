/** WebDevSetConfig(errorproc?, commstimeout?) and WebDevGetSecureError(). */
import { ErrorCode } from '../errors.js';
import { report } from './report.js';
import { DEFAULT_COMMS_TIMEOUT_MS, type ErrorProc, threadState } from './thread-state.js';
import { checkCount, isFiniteNumber } from './validate.js';

/** Time-outs travel to the engine as int32 milliseconds. */
const MAX_TIMEOUT_SECONDS = Math.floor(0x7fffffff / 1000);

/**
 * Sets this thread's error procedure, called as errorproc(message, code, commandName)
 * for every failing command ('' or none clears it), and its comms time-out in seconds,
 * which bounds TCPConnect and name look-ups (0 restores the default 60 s; omitted
 * leaves it; fractions allowed).
 */
export function WebDevSetConfig(errorproc?: ErrorProc | '' | null, commstimeout?: number): number {
  return report('WebDevSetConfig', setConfig(arguments.length, errorproc, commstimeout));
}

function setConfig(count: number, errorproc: unknown, commstimeout: unknown): number {
  const countError = checkCount(count, 0, 2);
  if (countError !== 0) return countError;
  if (errorproc !== undefined && errorproc !== null && errorproc !== '' && typeof errorproc !== 'function') {
    return ErrorCode.WrongType;
  }
  if (commstimeout !== undefined) {
    if (!isFiniteNumber(commstimeout)) return ErrorCode.WrongType;
    if (commstimeout < 0 || commstimeout > MAX_TIMEOUT_SECONDS) return ErrorCode.InvalidArgument;
  }
  threadState.errorProc = typeof errorproc === 'function' ? (errorproc as ErrorProc) : undefined;
  if (commstimeout !== undefined) {
    threadState.commsTimeoutMs = commstimeout === 0 ? DEFAULT_COMMS_TIMEOUT_MS : Math.ceil(commstimeout * 1000);
  }
  return 0;
}

/** The text of this thread's last TLS error ('' when there was none). */
export function WebDevGetSecureError(): string {
  return threadState.secureError;
}
