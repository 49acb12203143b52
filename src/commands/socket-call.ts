/** The whole of a command that takes just a socket: check the count and the socket, then one call. */
import { openChannel } from '../channel/caller.js';
import { checkCount, checkSocket } from './validate.js';

/** `op` on `socket` (with `arg0`), given `count` arguments where one was expected; the engine's answer or an error code. */
export function callOnSocket(op: number, count: number, socket: unknown, arg0 = 0): number {
  const countError = checkCount(count, 1, 1);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(op, socket as number, arg0);
}
