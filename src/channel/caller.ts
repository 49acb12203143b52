/**
 * A channel to the engine: one slot (request header + data area) in shared memory, and
 * the call on it, blocking (`call`) or awaited (`callAsync`).
 *
 * A call writes the request into the slot, puts the slot id in the registry's request ring
 * and rings the doorbell the engine waits on (request-ring-writer.ts), then waits for the
 * engine to write the reply (await-reply.ts: spin, then park). Each thread has one
 * blocking channel (it can make only one blocking call at a time) and a pool of smaller
 * ones for its async calls (async-caller.ts). docs/ARCHITECTURE.md, "The slot", says who
 * writes which word when.
 */
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { ErrorCode } from '../errors.js';
import {
  EngineState,
  Op,
  Reg,
  registrationChannelName,
  SEND_BUFFER_BYTES,
  sendBufferOffset,
  Slot,
  SLOT_DATA_BYTES,
  SLOT_HEADER_BYTES,
  SlotState,
} from '../protocol.js';
import { currentRegistry, ensureEngine, exitTimeoutMs, onExitFlush } from './engine-host.js';
import { awaitReply, awaitReplyAsync } from './await-reply.js';
import { lifelineAddress } from './lifeline.js';
import { EngineWatch } from './liveness.js';
import { descriptorsLeft } from './descriptor-room.js';
import { parkUntil } from './park.js';
import { postToEngine } from './request-ring-writer.js';

const REGISTER_DEADLINE_MS = 5_000;

export class Channel {
  readonly header: Int32Array;
  /** The data area, as a Buffer over shared memory (utf8 write/toString work on it). */
  readonly data: Buffer;
  /** Set when the engine died during a call: a late reply must not land in a live slot. */
  broken = false;
  private sequence = 0;
  /** The send buffer the next send uses (they alternate). */
  private nextSendBuffer = 0;

  constructor(
    private readonly registry: Int32Array,
    readonly id: number,
    readonly generation: number,
    sab: SharedArrayBuffer,
  ) {
    this.header = new Int32Array(sab, 0, SLOT_HEADER_BYTES / 4);
    this.data = Buffer.from(sab, SLOT_HEADER_BYTES, sab.byteLength - SLOT_HEADER_BYTES);
  }

  /** Still usable: not broken, and its engine is the running one. */
  get current(): boolean {
    return (
      !this.broken &&
      Atomics.load(this.registry, Reg.State) === EngineState.Ready &&
      Atomics.load(this.registry, Reg.Generation) === this.generation
    );
  }

  /** Sends one request and blocks until its reply; returns the reply's result word. */
  call(op: number, socket: number, arg0 = 0, arg1 = 0, arg2 = 0, dataLength = 0): number {
    this.post(op, socket, arg0, arg1, arg2, dataLength);
    const replied = awaitReply(this.header, op, this.id, this.watch, this.repost);
    return replied ? this.takeResult() : this.fail();
  }

  /** The same request, awaited: the thread's event loop goes on meanwhile. */
  async callAsync(op: number, socket: number, arg0 = 0, arg1 = 0, arg2 = 0, dataLength = 0): Promise<number> {
    this.post(op, socket, arg0, arg1, arg2, dataLength);
    const replied = await awaitReplyAsync(this.header, this.watch(), this.repost);
    return replied ? this.takeResult() : this.fail();
  }

  /**
   * A send buffer the engine is not writing from (they alternate), or undefined when
   * node still holds both (the socket's buffers are full): such a send goes through the
   * general area and the engine copies it. Never waits: whether to wait is the engine's
   * decision (a non-blocking socket answers -10035 instead).
   */
  takeSendBuffer(): { index: number; buffer: Buffer } | undefined {
    for (const index of [this.nextSendBuffer, this.nextSendBuffer ^ 1]) {
      if (Atomics.load(this.header, Slot.SendBusy0 + index) !== 0) continue;
      this.nextSendBuffer = index ^ 1;
      const offset = sendBufferOffset(index);
      return { index, buffer: this.data.subarray(offset, offset + SEND_BUFFER_BYTES) };
    }
    return undefined;
  }

  /** Bytes of payload the last reply left in the data area. */
  get replyLength(): number {
    return this.header[Slot.ReplyLength]!;
  }

  /** The second number some replies carry (e.g. a port beside an address). */
  get replyArg(): number {
    return this.header[Slot.ReplyArg]!;
  }

  /** The last reply's payload read as UTF-8 text. */
  replyText(): string {
    return this.data.toString('utf8', 0, this.replyLength);
  }

  private post(op: number, socket: number, arg0: number, arg1: number, arg2: number, dataLength: number): void {
    const h = this.header;
    h[Slot.Op] = op;
    h[Slot.Socket] = socket;
    h[Slot.Arg0] = arg0;
    h[Slot.Arg1] = arg1;
    h[Slot.Arg2] = arg2;
    h[Slot.DataLength] = dataLength;
    h[Slot.Seq] = ++this.sequence;
    Atomics.store(h, Slot.State, SlotState.Request);
    postToEngine(this.registry, this.id);
  }

  /**
   * Posts the waiting request's slot again. Harmless (the engine ignores a slot whose
   * request it already holds) and rarely needed: it recovers a request whose ring entry
   * the engine gave up on (request-ring.ts, STUCK_ENTRY_MS).
   */
  private readonly repost = (): void => {
    if (Atomics.load(this.header, Slot.State) === SlotState.Request) postToEngine(this.registry, this.id);
  };

  private takeResult(): number {
    Atomics.store(this.header, Slot.State, SlotState.Idle);
    return this.header[Slot.Result]!;
  }

  /** Watches this channel's engine while a call waits (liveness.ts); made only when a call parks. */
  private readonly watch = (): EngineWatch => new EngineWatch(this.registry, this.generation);

  private fail(): number {
    this.broken = true;
    return ErrorCode.EngineDown;
  }
}

/**
 * A new slot of `dataBytes`, announced to the engine (started if need be); a negative
 * number is the error code when there is no engine, or when the engine refused the slot
 * (-10024: no descriptor for this thread's lifeline; the next call tries again).
 */
export function registerChannel(dataBytes: number): Channel | number {
  const registry = currentRegistry();
  const up = ensureEngine();
  if (up < 0) return up;
  const lifeline = lifelineAddress();
  if (typeof lifeline === 'number') return lifeline;
  const generation = Atomics.load(registry, Reg.Generation);
  const sab = new SharedArrayBuffer(SLOT_HEADER_BYTES + dataBytes);
  const header = new Int32Array(sab, 0, SLOT_HEADER_BYTES / 4);
  const id = Atomics.add(registry, Reg.NextSlot, 1);
  const announce = new BroadcastChannel(registrationChannelName(registry));
  announce.postMessage({ id, sab, threadId, lifeline });
  announce.close();
  // The engine's generation (>= 1) takes the slot on; a negative word is its refusal.
  // The engine answers at once, unless it cannot connect to this thread's lifeline for want
  // of descriptors, which it then retries: those running out is this call's answer too. An
  // engine that died before it took the announcement never answers: its end is the answer.
  let starved = false;
  const answered = parkUntil(header, Slot.Registered, (g) => g === generation || g < 0, REGISTER_DEADLINE_MS, () => {
    if (Atomics.load(registry, Reg.Generation) !== generation || Atomics.load(registry, Reg.State) !== EngineState.Ready) return false;
    starved = !descriptorsLeft(1);
    return !starved;
  });
  if (!answered) return starved ? ErrorCode.TooManySockets : ErrorCode.EngineDown;
  const answer = Atomics.load(header, Slot.Registered);
  return answer < 0 ? answer : new Channel(registry, id, generation, sab);
}

let channel: Channel | undefined;

/**
 * This thread's blocking channel, registering one (and starting the engine) on first use
 * and after an engine restart.
 */
export function openChannel(): Channel | number {
  if (channel?.current === true) return channel;
  const opened = registerChannel(SLOT_DATA_BYTES);
  channel = typeof opened === 'number' ? undefined : opened;
  if (channel !== undefined) {
    // A blocking call from an 'exit' handler is allowed: the bytes buffered in the
    // engine go out before the process ends (ops/flush.ts).
    onExitFlush(() => {
      const current = openChannel();
      if (typeof current === 'number') return;
      const left = current.call(Op.Flush, 0, exitTimeoutMs());
      if (left > 0) {
        process.stderr.write(
          `tcp-commands: at exit, ${left} connection(s) still had sent bytes not handed to the kernel after ` +
            `TCP_COMMANDS_EXIT_TIMEOUT (${exitTimeoutMs()} ms); those bytes are not delivered (TCPFlush waits for them)\n`,
        );
      }
    });
  }
  return opened;
}
