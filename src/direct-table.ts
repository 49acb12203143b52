/**
 * What the engine and its starter do to the direct table as a whole (its layout:
 * direct-layout.ts): retire it when an engine goes away, clear it for a new one, free the
 * locks of a thread that died.
 */
import { Direct, DIRECT_ENGINE, DIRECT_ENTRIES, DIRECT_TABLE_WORDS, DirectFlag, waitForDirectLock } from './direct-layout.js';
import { directEntryBase, DIRECT_TABLE_START, SPIN_PERMITS, SPIN_PERMITS_START } from './protocol.js';

/**
 * No new direct call starts on any entry (its engine is gone, or going): marks every entry
 * Closed, at once and without waiting. A call already past its checks is caught by its
 * descriptor check (README.md, invariant 4).
 */
export function closeDirectTable(registry: Int32Array): void {
  for (let entry = 0; entry < DIRECT_ENTRIES; entry++) {
    const base = directEntryBase(entry);
    if (Atomics.load(registry, base + Direct.Socket) !== 0) Atomics.or(registry, base + Direct.Flags, DirectFlag.Closed);
  }
}

/**
 * Stops every direct call of the table for good (the engine is going away: it dies, or its
 * starter is about to terminate it, and the OS will close its descriptors). Marks every
 * entry Closed, then takes each lock a caller holds, waiting up to `deadlineMs` in all: a
 * direct call holds a lock only for one non-blocking system call, or for its blocking
 * remainder's trip through this very engine, which is answered (-10050) before this runs.
 */
export function retireDirectTable(registry: Int32Array, deadlineMs: number): void {
  closeDirectTable(registry);
  const deadline = Date.now() + deadlineMs;
  for (let entry = 0; entry < DIRECT_ENTRIES; entry++) {
    const base = directEntryBase(entry);
    if (Atomics.load(registry, base + Direct.Socket) === 0) continue;
    for (const lock of [base + Direct.RecvLock, base + Direct.SendLock]) {
      for (;;) {
        const holder = Atomics.compareExchange(registry, lock, 0, DIRECT_ENGINE);
        if (holder === 0 || holder === DIRECT_ENGINE) break;
        const left = deadline - Date.now();
        if (left <= 0) break; // a holder that never lets go (a dead thread): nothing more to do
        waitForDirectLock(registry, lock, holder, Math.min(left, 20));
      }
    }
  }
}

/** A new engine starts from an empty table: no entry, no lock, no flag of its predecessor. */
export function clearDirectTable(registry: Int32Array): void {
  registry.fill(0, DIRECT_TABLE_START, DIRECT_TABLE_START + DIRECT_TABLE_WORDS);
}

/**
 * For the engine's detection of dead caller threads (wired by its `forgetSlot`): frees
 * every direct lock the dead slot `slotId` held, so that nobody waits for it for ever.
 * A dead thread was at most inside one non-blocking system call (it did not complete
 * anything the lock protects), or waiting for its send's remainder (which the engine
 * answers into a slot nobody reads).
 */
export function releaseDirectLocksOf(registry: Int32Array, slotId: number): number {
  let released = 0;
  // Its spin permit too (channel/spin-permit.ts), or the process would spin one thread fewer for good.
  for (let permit = SPIN_PERMITS_START; permit < SPIN_PERMITS_START + SPIN_PERMITS; permit++) {
    Atomics.compareExchange(registry, permit, slotId, 0);
  }
  for (let entry = 0; entry < DIRECT_ENTRIES; entry++) {
    const base = directEntryBase(entry);
    for (const lock of [base + Direct.RecvLock, base + Direct.SendLock]) {
      if (Atomics.compareExchange(registry, lock, slotId, 0) === slotId) {
        Atomics.notify(registry, lock);
        released++;
      }
    }
  }
  return released;
}
