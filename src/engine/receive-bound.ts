/**
 * How a connection keeps the bytes it holds unread within its `rcvbuf` option.
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
 */

/** The most bytes one 'data' event of node:net carries (its read buffer, kStreamBaseBufSize). */
export const MAX_READ_BYTES = 64 * 1024;

/** Whether reading may go on with `queued` bytes held: one more read still fits, or nothing is held. */
export function mayTakeAnotherRead(queued: number, receiveBufferBytes: number): boolean {
  return queued === 0 || queued + MAX_READ_BYTES <= receiveBufferBytes;
}

/** Whether a stopped socket may read again: one more read fits and the queue is down to half. */
export function mayResumeReading(queued: number, receiveBufferBytes: number): boolean {
  return mayTakeAnotherRead(queued, receiveBufferBytes) && queued <= receiveBufferBytes / 2;
}
