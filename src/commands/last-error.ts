/**
 * TCPGetLastErrorDetail(): the last failure of this thread in words, as
 * WebDevGetSecureError() is the last TLS error's. Per thread, as every setting of
 * WebDevSetConfig: a command failing on a pool thread does not overwrite the main
 * thread's. A later command that succeeds leaves it as it was (read it right after the
 * failure, or from the error procedure, which gets the same words as its message).
 */
import { TCPErrorText } from '../errors.js';
import { threadState } from './thread-state.js';

/**
 * The last failed command of this thread: 'TCPReceive -501: Parameter of the wrong type:
 * parameter 2 (buffer): expected a Uint8Array (a Buffer) ...; got a string ("text")'.
 * The detail names the parameter and what it wanted, a URL given as a host name, or for
 * -1021 the TLS reason (a verify failure names the trust store folder it used). '' when
 * no command of this thread has failed.
 *
 * @returns `'COMMAND CODE: TEXT'`, followed by `': '` and the detail when there is one;
 * '' when no command of this thread has failed. A later command that succeeds leaves it.
 */
export function TCPGetLastErrorDetail(): string {
  const { lastFailedCommand: command, lastFailedCode: code, lastFailureDetail: detail } = threadState;
  if (command === '') return '';
  const text = `${command} ${code}: ${TCPErrorText(code)}`;
  return detail === '' ? text : `${text}: ${detail}`;
}
