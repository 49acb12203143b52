/**
 * The engine's view of one caller thread's slot: the request being served and the one
 * way to answer it. A slot carries at most one request at a time (its thread is blocked
 * until the reply), so parking a request means keeping the slot; no per-request objects.
 *
 * Answers that come from callbacks (DNS, connect, write completion) may arrive after the
 * request already ended (time-out, socket closed) and the thread moved on to its next
 * request: they go through `replier()`, which answers only the request it was made for.
 */
import { ErrorCode } from '../errors.js';
import {
  SEND_BUFFER_BYTES,
  sendBufferOffset,
  SendFlag,
  Slot,
  SLOT_DATA_BYTES,
  SLOT_GENERAL_BYTES,
  SLOT_HEADER_BYTES,
  SlotState,
} from '../protocol.js';

export type Reply = (result: number, replyLength?: number, replyArg?: number) => void;

export class EngineSlot {
  readonly header: Int32Array;
  /** The data area: request payload in, reply payload out. */
  readonly data: Buffer;
  /** True from reading a request until its single reply. */
  busy = false;
  /** The time-out of a parked request, cleared by the reply. */
  timer: NodeJS.Timeout | undefined;
  /** What to undo when a parked request ends early (its socket closed, its time-out). */
  cancel: ((code: number) => void) | undefined;
  /** Its thread has ended (caller-threads.ts): nothing is read from or written into it again. */
  forgotten = false;
  /**
   * Its reply comes within this turn of the event loop (a callback node defers with
   * process.nextTick, as dgram's send does): the request ring must not spin meanwhile,
   * or the reply waits for the spin to end (request-ring.ts).
   */
  replyDeferred = false;

  seq = 0;
  op = 0;
  socket = 0;
  arg0 = 0;
  arg1 = 0;
  arg2 = 0;
  dataLength = 0;

  constructor(
    readonly id: number,
    readonly threadId: number,
    sab: SharedArrayBuffer,
  ) {
    this.header = new Int32Array(sab, 0, SLOT_HEADER_BYTES / 4);
    // Blocking slots carry SLOT_DATA_BYTES; the smaller slots of async calls less.
    this.data = Buffer.from(sab, SLOT_HEADER_BYTES, Math.min(SLOT_DATA_BYTES, sab.byteLength - SLOT_HEADER_BYTES));
  }

  /** Reads the posted request; false when there is none or one is already being served. */
  begin(): boolean {
    const h = this.header;
    if (this.busy || this.forgotten || Atomics.load(h, Slot.State) !== SlotState.Request) return false;
    this.busy = true;
    this.seq = h[Slot.Seq]!;
    this.op = h[Slot.Op]!;
    this.socket = h[Slot.Socket]!;
    this.arg0 = h[Slot.Arg0]!;
    this.arg1 = h[Slot.Arg1]!;
    this.arg2 = h[Slot.Arg2]!;
    this.dataLength = Math.min(h[Slot.DataLength]!, this.data.length);
    return true;
  }

  /** Most bytes a reply may put in the data area (a receive's limit). */
  get replyRoom(): number {
    return Math.min(SLOT_GENERAL_BYTES, this.data.length);
  }

  /** A send's bytes: in the send buffer it lent (Arg1), or at the start of the area. */
  sendPayload(): Buffer {
    const lent = this.lentSendBuffer;
    const offset = lent < 0 ? 0 : sendBufferOffset(lent);
    const length = lent < 0 ? this.dataLength : Math.min(this.dataLength, SEND_BUFFER_BYTES);
    return this.data.subarray(offset, offset + length);
  }

  /** The index of the send buffer this send lent us, or -1. */
  get lentSendBuffer(): number {
    const lent = (this.arg0 & SendFlag.Lent) !== 0 && this.data.length >= SLOT_DATA_BYTES;
    return lent && (this.arg1 === 0 || this.arg1 === 1) ? this.arg1 : -1;
  }

  /** Marks send buffer `index` as in use; the returned function gives it back (once). */
  holdSendBuffer(index: number): () => void {
    const word = Slot.SendBusy0 + index;
    Atomics.store(this.header, word, 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      Atomics.store(this.header, word, 0);
      Atomics.notify(this.header, word);
    };
  }

  /** The request payload as UTF-8 text (host names, option values). */
  text(): string {
    return this.data.toString('utf8', 0, this.dataLength);
  }

  /** Answers the current request; a second answer to the same request is ignored. */
  reply(result: number, replyLength = 0, replyArg = 0): void {
    if (!this.busy || this.forgotten) return;
    this.busy = false;
    this.replyDeferred = false;
    this.unpark();
    const h = this.header;
    h[Slot.Result] = result;
    h[Slot.ReplyLength] = replyLength;
    h[Slot.ReplyArg] = replyArg;
    Atomics.store(h, Slot.State, SlotState.Reply);
    Atomics.notify(h, Slot.State, 1);
  }

  /** Answers with a text payload (addresses, host names, TLS error texts). */
  replyText(result: number, text: string, replyArg = 0): void {
    const length = this.data.write(text, 0, 'utf8');
    this.reply(result, length, replyArg);
  }

  /** A reply function for a callback: it answers this request, or nothing if it is over. */
  replier(): Reply {
    const seq = this.seq;
    return (result, replyLength, replyArg) => {
      if (this.busy && this.seq === seq) this.reply(result, replyLength, replyArg);
    };
  }

  /** Like replier(), for text answers. */
  textReplier(): (result: number, text: string) => void {
    const seq = this.seq;
    return (result, text) => {
      if (this.busy && this.seq === seq) this.replyText(result, text);
    };
  }

  /**
   * Parks the current request: `cancel` runs if it ends early (socket closed under it, or
   * its time-out expires, with -522), then the request is answered with the code.
   */
  park(timeoutMs: number, cancel: (code: number) => void): void {
    this.cancel = cancel;
    if (timeoutMs >= 0) {
      this.timer = setTimeout(() => this.abort(ErrorCode.TimedOut), timeoutMs);
    }
  }

  /** Forgets the time-out and cancel action of a parked request (it goes on, or is done). */
  unpark(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.cancel = undefined;
  }

  /**
   * Its thread has ended: the request it was serving (if any) is dropped unanswered.
   * The sockets have already let go of it (Engine.forgetSlot).
   */
  forget(): void {
    this.forgotten = true;
    this.unpark();
    this.busy = false;
  }

  /** Ends a parked request early with an error code. */
  abort(code: number): void {
    if (!this.busy) return;
    const cancel = this.cancel;
    this.cancel = undefined;
    cancel?.(code);
    this.reply(code);
  }
}
