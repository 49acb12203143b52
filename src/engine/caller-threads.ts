/**
 * The slots of the caller threads, grouped by thread, and the end of each thread.
 *
 * A thread announces each slot it opens with the address of its lifeline
 * (channel/lifeline.ts); the engine connects to it once per thread. When the connection
 * closes, the thread is gone: each of its slots is forgotten (its parked requests dropped
 * without taking any data, the locks it held released: Engine.forgetSlot), and nothing
 * is ever written into it again. Slot ids come from the registry's counter and are never
 * reused, so a late request or reply cannot be mistaken for a new thread's; the memory of
 * a forgotten slot is freed by the garbage collector once neither side holds it.
 */
import { connect, type Socket } from 'node:net';
import type { EngineSlot } from './slot.js';

interface CallerThread {
  readonly slots: Set<EngineSlot>;
  lifeline: Socket | undefined;
}

export class CallerThreads {
  private readonly slots = new Map<number, EngineSlot>();
  private readonly threads = new Map<number, CallerThread>();

  constructor(private readonly forgetSlot: (slot: EngineSlot) => void) {}

  get size(): number {
    return this.slots.size;
  }

  get(id: number): EngineSlot | undefined {
    return this.slots.get(id);
  }

  values(): IterableIterator<EngineSlot> {
    return this.slots.values();
  }

  /** A slot announced by its thread, with the thread's lifeline address (none: the main thread). */
  add(slot: EngineSlot, lifeline: string | undefined): void {
    this.slots.set(slot.id, slot);
    if (lifeline === undefined) return;
    let thread = this.threads.get(slot.threadId);
    if (thread === undefined) {
      thread = { slots: new Set(), lifeline: undefined };
      this.threads.set(slot.threadId, thread);
      thread.lifeline = this.watch(slot.threadId, lifeline);
    }
    thread.slots.add(slot);
  }

  private watch(threadId: number, address: string): Socket {
    const lifeline = connect({ path: address });
    lifeline.unref();
    lifeline.on('error', () => {}); // ECONNRESET when the thread ends: 'close' follows
    lifeline.on('data', () => {}); // nothing is ever sent; reading lets the end be seen
    lifeline.once('close', () => this.threadEnded(threadId, address));
    return lifeline;
  }

  private threadEnded(threadId: number, address: string): void {
    const thread = this.threads.get(threadId);
    if (thread === undefined) return;
    this.threads.delete(threadId);
    for (const slot of thread.slots) {
      this.slots.delete(slot.id);
      this.forgetSlot(slot);
    }
    thread.lifeline?.destroy();
    // Off Linux the address is a file; the thread that made it cannot remove it any more.
    if (!address.startsWith('\0')) void import('node:fs').then((fs) => fs.rm(address, { force: true }, () => {}));
  }
}
