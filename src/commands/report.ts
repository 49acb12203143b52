/**
 * Every command's result passes through here: a negative number is a failure, and the
 * thread's error procedure (WebDevSetConfig) hears of it with the code's text, followed
 * by its detail when there is one (which parameter and what it wanted, a URL given as a
 * host, the TLS reason); TCPGetLastErrorDetail() gives the same later. An exception
 * thrown by the user's error procedure is the user's and is not swallowed.
 */
import { publishCommand } from '../diagnostics/channels.js';
import { TCPErrorText } from '../errors.js';
import { takeDetail } from './failure-detail.js';
import { threadState } from './thread-state.js';

export function report<T>(command: string, result: T): T {
  publishCommand(command, result); // first: an error procedure that throws must not hide it
  if (typeof result === 'number' && result < 0) {
    const detail = takeDetail(result);
    threadState.lastFailedCommand = command;
    threadState.lastFailedCode = result;
    threadState.lastFailureDetail = detail;
    threadState.errorProc?.(detail === '' ? TCPErrorText(result) : `${TCPErrorText(result)}: ${detail}`, result, command);
  } else if (threadState.pendingDetail !== '') {
    threadState.pendingDetail = ''; // noted, but the command succeeded after all
  }
  return result;
}
