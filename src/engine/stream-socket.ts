/**
 * A connected socket in the engine (plain TCP or TLS): its receive queue, the requests
 * parked on it, and the Omnis semantics of send, receive and close.
 *
 * Where a request waits:
 * - TCPReceive with nothing queued parks in `receivers` until data, end of stream, an
 *   error, a close from another thread, or the socket's time-out.
 * - A blocking TCPSend is answered from node's write callback, i.e. when the kernel has
 *   taken the bytes; a peer that does not read keeps the caller blocked, as in Omnis.
 * - A send larger than one slot's data area comes in parts and holds `sendOwner` until
 *   its last part, so two threads sending on one socket never interleave their bytes.
 */
import type { Socket } from 'node:net';
import { codeFromError, ErrorCode } from '../errors.js';
import { NO_TIMEOUT, ReceiveFlag, SendFlag, SLOT_DATA_BYTES } from '../protocol.js';
import { ReceiveQueue } from './receive-queue.js';
import { removeItem } from './list.js';
import type { EngineSlot } from './slot.js';

/** Unread bytes held per socket before node stops reading (TCP flow control takes over). */
const RECEIVE_HIGH_WATER = 2 * SLOT_DATA_BYTES;
/** What a non-blocking send may leave queued in node before it answers -10035. */
const NONBLOCKING_SEND_ROOM = 256 * 1024;
/** After a complete close, how long arriving data is drained before the socket is destroyed. */
const CLOSE_LINGER_MS = 10_000;

export const CloseOption = { Complete: 0, HalfClose: 1, Abort: 2 } as const;

export class StreamSocket {
  blocking = true;
  /** The socket's own time-out for blocking receive and send (ms), NO_TIMEOUT for none. */
  timeoutMs: number = NO_TIMEOUT;

  private readonly queue = new ReceiveQueue();
  private readonly receivers: EngineSlot[] = [];
  private readonly senders: EngineSlot[] = [];
  private sendOwner: EngineSlot | undefined;
  /** The peer sent FIN: reads return 0 once the queue is empty. */
  private ended = false;
  /** The error that ended the connection, 0 while healthy. */
  private failure = 0;
  /** We sent FIN (TCPClose option 1): sends give -10058. */
  private finSent = false;
  private released = false;
  private paused = false;

  /**
   * @param socket what the commands read and write: a net.Socket, or a TLSSocket
   * @param raw the TCP socket under it (the same for plain TCP): resets go there, since
   *   a TLSSocket cannot send an RST itself
   */
  constructor(
    readonly socket: Socket,
    readonly secure: boolean,
    private readonly raw: Socket = socket,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.serveReceivers();
    });
    socket.on('error', (error: Error) => this.fail(codeFromError(error)));
    socket.on('close', () => {
      // A close after the peer's FIN is the normal end; any other close aborted the stream.
      if (this.ended) this.serveReceivers();
      else this.fail(ErrorCode.ConnectionAborted);
    });
  }

  get bytesQueued(): number {
    return this.queue.length;
  }

  // ---- receive --------------------------------------------------------------------------

  /** TCPReceive: answers now when it can, else parks (blocking) or gives -10035. */
  receive(slot: EngineSlot): void {
    if (this.receivers.length === 0 && this.tryReceive(slot)) return;
    if (!this.blocking) return slot.reply(ErrorCode.WouldBlock);
    this.receivers.push(slot);
    slot.park(this.timeoutMs, () => removeItem(this.receivers, slot));
  }

  private tryReceive(slot: EngineSlot): boolean {
    const queued = this.queue.length;
    if (queued > 0) {
      const max = Math.min(slot.arg0, slot.data.length);
      let n = Math.min(max, queued);
      if ((slot.arg1 & ReceiveFlag.Utf8) !== 0) {
        const whole = this.queue.wholeCharacters(n);
        // A first character still arriving is waited for; one longer than maxbytes, or
        // cut by the end of the stream, is given as it is (nothing else can be done).
        if (whole === 0 && n === queued && n < max && !this.ended && this.failure === 0) return false;
        if (whole > 0) n = whole;
      }
      const taken = this.queue.take(slot.data, n);
      this.resumeIfDrained();
      slot.reply(taken);
      return true;
    }
    if (this.failure !== 0) {
      slot.reply(this.failure);
      return true;
    }
    if (this.ended) {
      slot.reply(0);
      return true;
    }
    return false;
  }

  private serveReceivers(): void {
    while (this.receivers.length > 0 && this.tryReceive(this.receivers[0]!)) this.receivers.shift();
  }

  private onData(chunk: Buffer): void {
    if (this.released) return; // closing: what still arrives is discarded
    this.queue.push(chunk);
    this.serveReceivers();
    if (!this.paused && this.queue.length > RECEIVE_HIGH_WATER) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private resumeIfDrained(): void {
    if (this.paused && this.queue.length <= RECEIVE_HIGH_WATER / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  // ---- send -----------------------------------------------------------------------------

  /** TCPSend, or one part of a large one. */
  send(slot: EngineSlot): void {
    if (this.sendOwner !== undefined && this.sendOwner !== slot) {
      if (!this.blocking && !this.secure) return slot.reply(ErrorCode.WouldBlock);
      this.senders.push(slot);
      slot.park(this.timeoutMs, () => removeItem(this.senders, slot));
      return;
    }
    this.startSend(slot);
  }

  private sendRefusal(): number {
    if (this.failure !== 0) return this.failure;
    if (this.finSent) return ErrorCode.SendAfterShutdown;
    return 0;
  }

  private startSend(slot: EngineSlot): void {
    const refusal = this.sendRefusal();
    if (refusal !== 0) {
      this.releaseSendLock();
      return slot.reply(refusal);
    }
    const length = slot.dataLength;
    // TLS sends always block, as in Omnis.
    if (!this.blocking && !this.secure) return this.sendWithoutBlocking(slot, length);
    const more = (slot.arg0 & SendFlag.More) !== 0;
    this.sendOwner = more ? slot : undefined;
    slot.park(this.timeoutMs, () => {
      // A send that times out has handed bytes to node that it may still be writing
      // from the caller's area: the stream can no longer be trusted, so it is reset.
      this.fail(ErrorCode.TimedOut);
      this.reset();
    });
    // The bytes go to node straight from the caller's shared area: no copy. The caller
    // stays blocked (so the area stays untouched) until node's callback says the kernel
    // has them.
    const reply = slot.replier();
    this.socket.write(slot.data.subarray(0, length), (error) => {
      if (error) {
        this.fail(codeFromError(error));
        this.releaseSendLock();
        return reply(this.failure);
      }
      reply(length);
      if (!more) this.releaseSendLock();
    });
  }

  private sendWithoutBlocking(slot: EngineSlot, length: number): void {
    const room = NONBLOCKING_SEND_ROOM - this.socket.writableLength;
    if (room <= 0) return slot.reply(ErrorCode.WouldBlock);
    const n = Math.min(length, room);
    // The caller goes on at once and reuses its area, so these bytes must be copied.
    this.socket.write(Buffer.from(slot.data.subarray(0, n)), (error) => {
      if (error) this.fail(codeFromError(error));
    });
    slot.reply(n);
  }

  private releaseSendLock(): void {
    this.sendOwner = undefined;
    const next = this.senders.shift();
    if (next !== undefined) {
      next.unpark(); // its wait for the lock is over; the send itself parks anew
      this.startSend(next);
    }
  }

  // ---- failure and close ------------------------------------------------------------------

  private fail(code: number): void {
    if (this.failure === 0) this.failure = code;
    this.serveReceivers();
    for (const slot of this.senders.splice(0)) slot.reply(this.failure);
  }

  /** An RST to the peer, and the socket destroyed. */
  private reset(): void {
    this.raw.resetAndDestroy();
    if (this.raw !== this.socket) this.socket.destroy();
  }

  /** TCPClose option 1: FIN now, keep receiving; later sends give -10058. */
  halfClose(): void {
    if (this.finSent) return;
    this.finSent = true;
    this.socket.end();
  }

  /**
   * TCPClose options 0 and 2, after the socket has left the table: wakes every thread
   * still waiting on it with -10053, then sends FIN and drains (0) or resets (2).
   */
  release(option: number): void {
    this.released = true;
    for (const slot of this.receivers.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const slot of this.senders.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    this.queue.clear();
    if (option === CloseOption.Abort) {
      this.reset();
      return;
    }
    if (!this.finSent) this.socket.end();
    this.socket.resume();
    const linger = setTimeout(() => this.socket.destroy(), CLOSE_LINGER_MS);
    linger.unref();
    this.socket.once('close', () => clearTimeout(linger));
    this.socket.once('end', () => this.socket.destroy());
  }
}
