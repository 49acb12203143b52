/**
 * Where a call waits for the engine's reply (every command that goes to the engine waits
 * here, through Channel.call or Channel.callAsync in caller.ts): the slot's State word goes
 * from Request to Reply when the engine has written the reply (docs/ARCHITECTURE.md, "The
 * slot").
 *
 * The blocking wait spins briefly before it parks (park.ts): waking a parked thread costs
 * tens of microseconds here, more than most engine replies take, so each operation learns
 * how long a spin pays (spin.ts; docs/ARCHITECTURE.md, "Adaptive spins"). Between park
 * slices it checks that the engine is alive (liveness.ts) and, now and then, posts the
 * request again (`repost`, harmless: see Channel.repost).
 */
import { Slot, SlotState } from '../protocol.js';
import type { EngineWatch } from './liveness.js';
import { type AfterSlice, parkUntil, parkUntilAsync } from './park.js';
import { replySpin } from './spin.js';
import { returnSpinPermit, takeSpinPermit } from './spin-permit.js';

/** Spin iterations per microsecond (one Atomics.load is about 8 ns here); measured as we go. */
let iterationsPerUs = 125;

/** A request still not taken after this many park slices (about a second) is posted again. */
const REPOST_EVERY_SLICES = 5;

const isReply = (state: number): boolean => state === SlotState.Reply;

function betweenSlices(watch: EngineWatch, repost: () => void): AfterSlice {
  return (slice) => {
    if (!watch.alive()) return false;
    if (slice % REPOST_EVERY_SLICES === 0) repost();
    return true;
  };
}

/**
 * Blocks until the reply of `op` (slot `holder`'s) is in `header`: spin (holding a spin
 * permit), then park in slices. False when the
 * engine died while we waited. `watch` is made after the spin (it reads the registry).
 */
export function awaitReply(header: Int32Array, op: number, holder: number, watch: () => EngineWatch, repost: () => void): boolean {
  const spin = replySpin(op);
  // No spare core (spin-permit.ts): park at once; the engine this waits for needs the core.
  const budgetUs = spin.budgetUs();
  const budget = budgetUs > 0 && takeSpinPermit(holder) ? Math.ceil(budgetUs * iterationsPerUs) : 0;
  const started = performance.now();
  for (let i = 0; i < budget; i++) {
    if (Atomics.load(header, Slot.State) === SlotState.Reply) {
      returnSpinPermit();
      spin.caught(i / iterationsPerUs);
      return true;
    }
  }
  returnSpinPermit();
  const spunUs = (performance.now() - started) * 1000;
  if (budget > 1000 && spunUs > 0) iterationsPerUs = iterationsPerUs * 0.9 + (budget / spunUs) * 0.1;
  if (!parkUntil(header, Slot.State, isReply, -1, betweenSlices(watch(), repost))) return false;
  spin.parked((performance.now() - started) * 1000);
  return true;
}

/** The same wait, awaited (no spin: the thread has other work). */
export function awaitReplyAsync(header: Int32Array, watch: EngineWatch, repost: () => void): Promise<boolean> {
  return parkUntilAsync(header, Slot.State, isReply, -1, betweenSlices(watch, repost));
}
