/**
 * How a connection keeps the bytes it holds unread within its `rcvbuf` option, and when
 * it reads past it for a receive that waits for more.
 *
 * node hands the engine what one read from the kernel gave, up to 64 KiB at a time
 * (its read buffer), and a paused socket may still read one more of those into its own
 * stream buffer (pause() alone does not stop libuv reading: docs/ARCHITECTURE.md, "The
 * direct path"), delivered when it resumes. So the engine stops reading while one more
 * read could take the queue past `rcvbuf`, and resumes only when one more fits again (and
 * the queue has drained to half, not to read chunk by chunk). The queue (TCPAvailable)
 * then never holds more than max(rcvbuf, 64 KiB): a read of up to 64 KiB can always go
 * into an empty queue.
 * Beyond it, node may hold one read (up to 64 KiB) inside the paused socket, and the
 * kernel what its own receive buffer takes; TCP flow control then holds the peer.
 *
 * `rcvbuf` bounds what the engine reads ahead for nobody. A receive that cannot be
 * answered from what is queued (TCPReceiveUntil before its delimiter or its `maxbytes`
 * is there, a Character read before a whole character is) says how many bytes it needs
 * queued (`wanted`, at most its `maxbytes`), and reading goes on until they are, past
 * `rcvbuf` if need be: otherwise a line longer than `rcvbuf` would wait for ever for
 * bytes the engine had stopped reading. The queue then holds at most `wanted` plus one read.
 */

/** The most bytes one 'data' event of node:net carries (its read buffer, kStreamBaseBufSize). */
export const MAX_READ_BYTES = 64 * 1024;

/**
 * Whether reading may go on with `queued` bytes held: a waiting receive needs more, one
 * more read still fits, or nothing is held.
 */
export function mayTakeAnotherRead(queued: number, receiveBufferBytes: number, wanted: number): boolean {
  return queued === 0 || queued < wanted || queued + MAX_READ_BYTES <= receiveBufferBytes;
}

/**
 * Whether a stopped socket may read again: a waiting receive needs more, or one more read
 * fits and the queue is down to half.
 */
export function mayResumeReading(queued: number, receiveBufferBytes: number, wanted: number): boolean {
  return queued < wanted || (mayTakeAnotherRead(queued, receiveBufferBytes, 0) && queued <= receiveBufferBytes / 2);
}

/** How many bytes the engine may take in from the kernel now, by itself (TCPAvailable, a non-blocking receive). */
export function roomToRead(queued: number, receiveBufferBytes: number, wanted: number): number {
  return Math.max(receiveBufferBytes, wanted) - queued;
}
