/** TCPFlush(socket, timeout?): wait until what was sent has left node for the kernel. */
import { Op } from '../protocol.js';
import { run } from './command.js';
import { waitCommand } from './socket-call.js';

const FLUSH = waitCommand('TCPFlush', Op.FlushSocket);

/**
 * Waits until every byte sent on the socket has left node for the kernel. A blocking
 * TCPSend returns once the kernel or the engine holds its last byte (up to `sndbuf` of
 * them may wait in the engine, in front of the kernel); the kernel's buffers survive the
 * process, so after TCPFlush an exit loses nothing sent.
 * @param socket - a connected socket number
 * @param timeout - ms to wait at most, a whole number up to 2^31-1; omitted or 'infinite': no limit
 * @returns 0 once flushed, or an error code: the connection's error if it failed first (those bytes were not delivered), -10053 the socket was closed meanwhile, -522 `timeout` passed, -10022 a time-out out of range, -501 not a number, -509 an unknown or closed socket
 */
export function TCPFlush(socket: number, timeout?: number | 'infinite'): number {
  return run(FLUSH, arguments.length, socket, timeout);
}
