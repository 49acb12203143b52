/**
 * The callers' side of the request ring (its layout: protocol.ts, RING_SIZE and ringEntry;
 * its reader: src/engine/request-ring.ts; docs/ARCHITECTURE.md, "The registry and the
 * request ring").
 */
import { Reg, RING_SIZE, ringEntry } from '../protocol.js';

/**
 * Marks every ring entry as written one lap before position 0, so that no entry looks
 * committed for the position the engine expects next until a caller commits it. Done once,
 * by the thread that creates the registry (engine-host.ts).
 */
export function initRing(registry: Int32Array): void {
  for (let position = 0; position < RING_SIZE; position++) {
    Atomics.store(registry, ringEntry(position) + 1, position - RING_SIZE);
  }
}

/** Puts a slot id in the request ring and rings the doorbell. */
export function postToEngine(registry: Int32Array, slotId: number): void {
  const position = Atomics.add(registry, Reg.RingTail, 1);
  const entry = ringEntry(position);
  Atomics.store(registry, entry, slotId);
  Atomics.store(registry, entry + 1, position); // the commit mark: the engine may take it now
  Atomics.add(registry, Reg.Doorbell, 1);
  Atomics.notify(registry, Reg.Doorbell, 1);
}
