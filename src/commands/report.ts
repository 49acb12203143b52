/**
 * Every command's result passes through here: a negative number is a failure, and the
 * thread's error procedure (WebDevSetConfig) hears of it with the code's text. An
 * exception thrown by the user's error procedure is the user's and is not swallowed.
 */
import { publishCommand } from '../diagnostics/channels.js';
import { TCPErrorText } from '../errors.js';
import { threadState } from './thread-state.js';

export function report<T>(command: string, result: T): T {
  publishCommand(command, result); // first: an error procedure that throws must not hide it
  if (typeof result === 'number' && result < 0) {
    threadState.errorProc?.(TCPErrorText(result), result, command);
  }
  return result;
}
