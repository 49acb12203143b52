/** TCPFlush(socket, timeout?): wait until what was sent has left node for the kernel. */
import { Op } from '../protocol.js';
import { run } from './command.js';
import { waitCommand } from './socket-call.js';

const FLUSH = waitCommand('TCPFlush', Op.FlushSocket);

/**
 * A blocking TCPSend returns once the engine has the bytes (up to `sndbuf` of them wait
 * in node, in front of the kernel). TCPFlush returns 0 once they have all gone to the
 * kernel, whose buffers survive the process: after it, an exit loses nothing sent. The
 * connection's error if it failed first (those bytes were not delivered), -10053 if the
 * socket is closed meanwhile, -522 when `timeout` ms pass first (omitted or 'infinite':
 * no limit; a whole number up to 2^31-1, else -10022; not a number: -501).
 */
export function TCPFlush(socket: number, timeout?: number | 'infinite'): number {
  return run(FLUSH, arguments.length, socket, timeout);
}
