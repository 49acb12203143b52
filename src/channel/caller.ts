/**
 * This thread's channel to the engine: one slot (request header + data area) in shared
 * memory, and the blocking call on it.
 *
 * A call writes the request into the slot, puts the slot id in the registry's ring, rings
 * the doorbell the engine waits on, then spins briefly and parks with Atomics.wait until
 * the engine writes the reply. Spinning first matters: waking a parked thread costs tens of
 * microseconds here, more than most engine replies take (DESIGN.md, "The hot path").
 */
import { BroadcastChannel, threadId } from 'node:worker_threads';
import {
  EngineState,
  HEARTBEAT_STALE_MS,
  Reg,
  registrationChannelName,
  ringEntry,
  Slot,
  SLOT_DATA_BYTES,
  SLOT_HEADER_BYTES,
  SlotState,
} from '../protocol.js';
import { ErrorCode } from '../errors.js';
import { currentRegistry, ensureEngine } from './engine-host.js';
import { SPIN_ITERATIONS } from './spin.js';
import { WAIT_SLICE_MS, waitForWord } from './wait.js';

const REGISTER_DEADLINE_MS = 5_000;

export class Channel {
  readonly header: Int32Array;
  /** The data area, as a Buffer over shared memory (utf8 write/toString work on it). */
  readonly data: Buffer;
  private sequence = 0;

  constructor(
    private readonly registry: Int32Array,
    readonly id: number,
    readonly generation: number,
    sab: SharedArrayBuffer,
  ) {
    this.header = new Int32Array(sab, 0, SLOT_HEADER_BYTES / 4);
    this.data = Buffer.from(sab, SLOT_HEADER_BYTES, SLOT_DATA_BYTES);
  }

  /** Sends one request and blocks until its reply; returns the reply's result word. */
  call(op: number, socket: number, arg0 = 0, arg1 = 0, arg2 = 0, arg3 = 0, dataLength = 0): number {
    const h = this.header;
    h[Slot.Op] = op;
    h[Slot.Socket] = socket;
    h[Slot.Arg0] = arg0;
    h[Slot.Arg1] = arg1;
    h[Slot.Arg2] = arg2;
    h[Slot.Arg3] = arg3;
    h[Slot.DataLength] = dataLength;
    h[Slot.Seq] = ++this.sequence;
    Atomics.store(h, Slot.State, SlotState.Request);
    this.ringDoorbell();
    if (!this.awaitReply()) {
      if (channel === this) channel = undefined; // a late reply must not land in a live slot
      return ErrorCode.EngineDown;
    }
    Atomics.store(h, Slot.State, SlotState.Idle);
    return h[Slot.Result]!;
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

  private ringDoorbell(): void {
    const reg = this.registry;
    const position = Atomics.add(reg, Reg.RingTail, 1);
    const entry = ringEntry(position);
    Atomics.store(reg, entry, this.id);
    Atomics.store(reg, entry + 1, position); // the commit mark: the engine may take it now
    Atomics.add(reg, Reg.Doorbell, 1);
    Atomics.notify(reg, Reg.Doorbell, 1);
  }

  /** Spin, then park in slices; false when the engine died while we waited. */
  private awaitReply(): boolean {
    const h = this.header;
    for (let i = 0; i < SPIN_ITERATIONS; i++) {
      if (Atomics.load(h, Slot.State) === SlotState.Reply) return true;
    }
    const reg = this.registry;
    let beat = Atomics.load(reg, Reg.Heartbeat);
    let beatChangedAt = Date.now();
    for (;;) {
      Atomics.wait(h, Slot.State, SlotState.Request, WAIT_SLICE_MS);
      if (Atomics.load(h, Slot.State) === SlotState.Reply) return true;
      if (Atomics.load(reg, Reg.Generation) !== this.generation) return false;
      if (Atomics.load(reg, Reg.State) !== EngineState.Ready) return false;
      const now = Date.now();
      const current = Atomics.load(reg, Reg.Heartbeat);
      if (current !== beat) {
        beat = current;
        beatChangedAt = now;
      } else if (now - beatChangedAt > HEARTBEAT_STALE_MS) {
        // The engine thread is gone without a word (terminated, or stuck): declare it
        // dead so every other thread stops waiting too, and the starter restarts it.
        Atomics.compareExchange(reg, Reg.State, EngineState.Ready, EngineState.Dead);
        return false;
      }
    }
  }
}

let channel: Channel | undefined;

function register(registry: Int32Array): Channel | number {
  const up = ensureEngine();
  if (up < 0) return up;
  const generation = Atomics.load(registry, Reg.Generation);
  const sab = new SharedArrayBuffer(SLOT_HEADER_BYTES + SLOT_DATA_BYTES);
  const header = new Int32Array(sab, 0, SLOT_HEADER_BYTES / 4);
  const id = Atomics.add(registry, Reg.NextSlot, 1);
  header[Slot.SlotId] = id;
  const announce = new BroadcastChannel(registrationChannelName(registry));
  announce.postMessage({ id, sab, threadId });
  announce.close();
  const accepted = waitForWord(header, Slot.Registered, (g) => g === generation, REGISTER_DEADLINE_MS);
  return accepted ? new Channel(registry, id, generation, sab) : ErrorCode.EngineDown;
}

/**
 * This thread's channel, registering one (and starting the engine) on first use and
 * after an engine restart. A negative number is the error code when there is no engine.
 */
export function openChannel(): Channel | number {
  const registry = currentRegistry();
  const current = channel;
  if (
    current !== undefined &&
    Atomics.load(registry, Reg.State) === EngineState.Ready &&
    Atomics.load(registry, Reg.Generation) === current.generation
  ) {
    return current;
  }
  const opened = register(registry);
  if (typeof opened !== 'number') channel = opened;
  return opened;
}
