/**
 * A blocking direct receive's patience: after a read that found nothing (EAGAIN) it retries
 * for its learned spin (../spin.ts), then parks in the engine, which reads for it. One
 * receive at a time per thread, so the state is the module's.
 */
import { directReceiveSpin } from '../spin.js';

let firstMiss = 0;
let spinUs = 0;
/** Time of the first EAGAIN of the last receive that went on to park, for the spin's learning. */
let parkedSince = 0;

/** A direct receive begins. */
export function beginPatience(): void {
  firstMiss = 0;
}

/** After an EAGAIN: true to read again, false to park in the engine (its first miss is kept for learnFromPark). */
export function keepTrying(): boolean {
  const now = performance.now();
  if (firstMiss === 0) {
    firstMiss = now;
    spinUs = directReceiveSpin.budgetUs();
  }
  if ((now - firstMiss) * 1000 < spinUs) return true;
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
