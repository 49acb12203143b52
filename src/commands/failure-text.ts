/**
 * A failed command's code in words, for messages: the error table's text, except that a
 * TLS failure (-1021) is best told by its reason, which WebDevGetSecureError() keeps.
 */
import { ErrorCode, TCPErrorText } from '../errors.js';
import { threadState } from './thread-state.js';

/**
 * `reason`: what went wrong, alone (for a line that shows the code beside it): the TLS
 * reason for -1021, else the table's text. `table`: the table's text, followed for -1021
 * by ': ' and the reason (the event API's onError message).
 */
export function failureText(code: number, form: 'reason' | 'table' = 'reason'): string {
  if (code !== ErrorCode.TlsError) return TCPErrorText(code);
  const reason = threadState.secureError;
  return form === 'reason' ? reason : `${TCPErrorText(code)}: ${reason}`;
}
