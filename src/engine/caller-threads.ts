/**
 * The slots of the caller threads, grouped by thread, and the end of each thread.
 *
 * A thread announces each slot it opens with the address of its lifeline
 * (channel/lifeline.ts). The engine connects to it once per thread, and takes the
 * thread's slots on only once that connect has succeeded: a worker thread's slots are
 * served only while its end can be seen. When the connect fails for want of descriptors
 * (EMFILE / ENFILE), the slots are refused with that code (-10024), which the thread's
 * command returns; its next command announces a new slot and the engine tries again.
 *
 * When the connection closes, the engine asks again (lifeline-reach.ts): a refused
 * connect means the thread is gone, and each of its slots is forgotten (its parked
 * requests dropped without taking any data, the locks it held released:
 * Engine.forgetSlot), and nothing is ever written into it again. A connection can also
 * close while the thread lives: a thread whose event loop turns while the process has no
 * descriptor left cannot accept it, and libuv then accepts and closes it (its EMFILE
 * trick). Such a thread keeps its slots; the engine connects again, and while it cannot
 * (no descriptor) it retries, so a thread that ends meanwhile is still noticed.
 *
 * Slot ids come from the registry's counter and are never reused, so a late request or
 * reply cannot be mistaken for a new thread's; the memory of a forgotten slot is freed by
 * the garbage collector once neither side holds it.
 */
import type { Socket } from 'node:net';
import { reachLifeline } from './lifeline-reach.js';
import type { EngineSlot } from './slot.js';

/**
 * Between tries to reconnect to a live thread's lifeline while connects fail (no
 * descriptor), or while each new connection is closed at once (the thread's event loop
 * turning with no descriptor left would otherwise play ping-pong with the engine).
 */
const RETRY_MS = 200;

interface CallerThread {
  readonly address: string;
  readonly slots: Set<EngineSlot>;
  /** Its first connect succeeded: its slots are taken on as they come. */
  known: boolean;
  /** Slots announced before that, answered when the first connect ends. */
  readonly waiting: EngineSlot[];
  lifeline: Socket | undefined;
  /** When the lifeline was last connected (Date.now()). */
  connectedAt: number;
  retry: NodeJS.Timeout | undefined;
}

/** How a slot's announcement is answered: 0 taken on, or the error code of the refusal. */
export type AnswerSlot = (slot: EngineSlot, refusal: number) => void;

export class CallerThreads {
  private readonly slots = new Map<number, EngineSlot>();
  private readonly threads = new Map<number, CallerThread>();

  constructor(
    private readonly forgetSlot: (slot: EngineSlot) => void,
    private readonly answer: AnswerSlot,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  get(id: number): EngineSlot | undefined {
    return this.slots.get(id);
  }

  values(): IterableIterator<EngineSlot> {
    return this.slots.values();
  }

  /** Threads whose slots are taken on but whose lifeline is not in place now (TCPStats). */
  get lifelinesLost(): number {
    let lost = 0;
    for (const thread of this.threads.values()) if (thread.known && thread.lifeline === undefined) lost++;
    return lost;
  }

  /**
   * A slot announced by its thread, with the thread's lifeline address (none: the main
   * thread, or a thread that could not listen for a reason other than descriptors);
   * answered now or once the thread's lifeline is reached.
   */
  add(slot: EngineSlot, address: string | undefined): void {
    if (address === undefined) return this.take(slot, undefined);
    const thread = this.threads.get(slot.threadId);
    if (thread?.known === true) return this.take(slot, thread);
    if (thread !== undefined) {
      thread.waiting.push(slot);
      return;
    }
    const fresh: CallerThread = { address, slots: new Set(), known: false, waiting: [slot], lifeline: undefined, connectedAt: 0, retry: undefined };
    this.threads.set(slot.threadId, fresh);
    this.reach(slot.threadId, fresh);
  }

  private take(slot: EngineSlot, thread: CallerThread | undefined): void {
    this.slots.set(slot.id, slot);
    thread?.slots.add(slot);
    this.answer(slot, 0);
  }

  private reach(threadId: number, thread: CallerThread): void {
    thread.retry = undefined;
    reachLifeline(thread.address, (reach) => {
      if (this.threads.get(threadId) !== thread) {
        if (reach.kind === 'alive') reach.lifeline.destroy(); // forgotten meanwhile
        return;
      }
      if (reach.kind === 'gone') return this.threadEnded(threadId);
      if (reach.kind === 'alive') {
        thread.lifeline = reach.lifeline;
        thread.connectedAt = Date.now();
        reach.lifeline.once('close', () => this.lost(threadId, thread));
        thread.known = true;
        for (const slot of thread.waiting.splice(0)) this.take(slot, thread);
        return;
      }
      if (!thread.known) {
        // Refused now (-10024 for EMFILE), and forgotten: the thread's next slot tries again.
        this.threads.delete(threadId);
        for (const slot of thread.waiting.splice(0)) this.answer(slot, reach.code);
        return;
      }
      this.retryLater(threadId, thread);
    });
  }

  private retryLater(threadId: number, thread: CallerThread): void {
    thread.retry = setTimeout(() => this.reach(threadId, thread), RETRY_MS);
    thread.retry.unref();
  }

  /** The lifeline closed: the thread ended, or (rarely) it lives on and closed it unaccepted. */
  private lost(threadId: number, thread: CallerThread): void {
    thread.lifeline = undefined;
    if (this.threads.get(threadId) !== thread) return;
    if (Date.now() - thread.connectedAt < RETRY_MS) this.retryLater(threadId, thread);
    else this.reach(threadId, thread); // at once: a thread's end is noticed without delay
  }

  private threadEnded(threadId: number): void {
    const thread = this.threads.get(threadId);
    if (thread === undefined) return;
    this.threads.delete(threadId);
    clearTimeout(thread.retry);
    for (const slot of thread.slots) {
      this.slots.delete(slot.id);
      this.forgetSlot(slot);
    }
    thread.lifeline?.destroy();
    // Off Linux the address is a file; the thread that made it cannot remove it any more.
    const address = thread.address;
    if (!address.startsWith('\0')) void import('node:fs').then((fs) => fs.rm(address, { force: true }, () => {}));
  }
}
