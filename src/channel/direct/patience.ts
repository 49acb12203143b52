/**
 * A blocking direct receive's patience: after a read that found nothing (EAGAIN) it retries
 * for its learned spin (../spin.ts), then parks in the engine, which reads for it. One
 * receive at a time per thread, so the state is the module's.
 */
import { directReceiveSpin } from '../spin.js';
import { returnSpinPermit, takeSpinPermit } from '../spin-permit.js';

let firstMiss = 0;
let spinUs = 0;
/** The slot id of the receive under way (its spin permit's holder). */
let holderSlot = 0;
/** Time of the first EAGAIN of the last receive that went on to park, for the spin's learning. */
let parkedSince = 0;

/** A direct receive of slot `holder` begins (every way out of it ends with endSpin). */
export function beginPatience(holder: number): void {
  firstMiss = 0;
  holderSlot = holder;
}

/** The receive is over, however it ended: its spin permit goes back. */
export function endSpin(): void {
  returnSpinPermit();
}

/** After an EAGAIN: true to read again, false to park in the engine (its first miss is kept for learnFromPark). */
export function keepTrying(): boolean {
  const now = performance.now();
  if (firstMiss === 0) {
    firstMiss = now;
    // No spare core (spin-permit.ts): park at once, as after a spin.
    spinUs = takeSpinPermit(holderSlot) ? directReceiveSpin.budgetUs() : 0;
  }
  if ((now - firstMiss) * 1000 < spinUs) return true;
  returnSpinPermit();
  parkedSince = firstMiss;
  return false;
}

/** The receive got its bytes: if it had to retry for them, the spin learns how long it took. */
export function endPatience(): void {
  if (firstMiss !== 0) directReceiveSpin.caught((performance.now() - firstMiss) * 1000);
}

/** performance.now() of the first EAGAIN of a receive that then parked in the engine, else 0 (read once). */
export function takeParkedSince(): number {
  const since = parkedSince;
  parkedSince = 0;
  return since;
}
