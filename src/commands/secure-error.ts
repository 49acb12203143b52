/** Keeps the text of a -1021 reply for WebDevGetSecureError() (per thread). */
import type { Channel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { threadState } from './thread-state.js';

export function noteSecureError(channel: Channel, result: number): number {
  if (result === ErrorCode.TlsError && channel.replyLength > 0) threadState.secureError = channel.replyText();
  return result;
}
