/**
 * How long a blocking receive keeps retrying its direct read before it parks in the engine.
 *
 * A retry is one non-blocking read (a few microseconds, its EAGAIN included); parking
 * costs an engine round trip and a futex wake-up (tens of microseconds). So: spin while a
 * reply is likely to come soon, park when it is not, and let idle waits cost no CPU.
 * Learned per process from what happened:
 * - the data came while spinning, after t us: keep at least 2t (up to MAX_US);
 * - it came after we parked, but within MAX_US of the first try: a longer spin would have
 *   caught it: 1.5 times that wait;
 * - it came later: halve the spin, down to nothing; then probe with a short one every
 *   PROBE_EVERY receives.
 * It starts at START_US, enough for a ping-pong with a local peer, so that the first round
 * trips of a process are as fast as later ones (no slow learning from a small start).
 */
const MAX_US = 250;
const START_US = 120;
const PROBE_US = 5;
const PROBE_EVERY = 16;

let budgetUs = START_US;
let probes = 0;

/** Microseconds to keep retrying for this receive. */
export function directSpinUs(): number {
  if (budgetUs > 0) return budgetUs;
  return ++probes % PROBE_EVERY === 0 ? PROBE_US : 0;
}

/** The data came `us` after the first EAGAIN, while spinning. */
export function caughtSpinning(us: number): void {
  budgetUs = Math.min(MAX_US, Math.max(budgetUs, 2 * us + 1));
}

/** The data came `us` after the first EAGAIN, after the receive parked in the engine. */
export function cameAfterParking(us: number): void {
  if (us <= MAX_US) budgetUs = Math.min(MAX_US, us * 1.5);
  else budgetUs = budgetUs / 2 < PROBE_US ? 0 : budgetUs / 2;
}
