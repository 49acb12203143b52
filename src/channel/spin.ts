/**
 * How long a caller spins on its slot before parking in Atomics.wait, per operation.
 *
 * Parking costs a futex wake-up for the engine and tens of microseconds for the caller
 * (30-90 us for a round trip here: docs/ARCHITECTURE.md, "Adaptive spins"); spinning costs a core. Spinning pays when the
 * reply comes within the spin (a send; a receive in a ping-pong with a fast peer), and
 * wastes the core when it does not (a receive waiting for a slow peer; more busy threads
 * than cores, where the spinner takes the core the engine needs). So each operation
 * learns from its replies:
 * - caught while spinning: keep a budget of at least twice what it took;
 * - parked, but the reply came within MAX_SPIN_US: a longer spin would have caught it,
 *   so grow the budget to 1.5 times that wait;
 * - parked, and the reply took longer: halve the budget, down to nothing; an operation
 *   without a spin probes with a short one every PROBE_EVERY calls.
 */
const MAX_SPIN_US = 150;
const START_US = 30;
const PROBE_US = 2;
const PROBE_EVERY = 16;
const OPS = 128;

/** Spin iterations per microsecond (one Atomics.load is about 8 ns here); measured as we go. */
let iterationsPerUs = 125;
const budgetsUs = new Float64Array(OPS).fill(START_US);
const calls = new Int32Array(OPS);

/** Iterations to spin for this call of `op`. */
export function spinBudget(op: number): number {
  const index = op & (OPS - 1);
  const us = budgetsUs[index]! > 0 ? budgetsUs[index]! : ++calls[index]! % PROBE_EVERY === 0 ? PROBE_US : 0;
  return Math.ceil(us * iterationsPerUs);
}

/** The reply was caught after `iterations` of spinning. */
export function caughtWhileSpinning(op: number, iterations: number): void {
  const index = op & (OPS - 1);
  budgetsUs[index] = Math.min(MAX_SPIN_US, Math.max(budgetsUs[index]!, (iterations * 2) / iterationsPerUs + 1));
}

/** The spin of `iterations` took `spunUs`; the reply came `waitedUs` after the request. */
export function parkedAfterSpinning(op: number, iterations: number, spunUs: number, waitedUs: number): void {
  if (iterations > 1000 && spunUs > 0) iterationsPerUs = iterationsPerUs * 0.9 + (iterations / spunUs) * 0.1;
  const index = op & (OPS - 1);
  if (waitedUs <= MAX_SPIN_US) budgetsUs[index] = Math.min(MAX_SPIN_US, waitedUs * 1.5);
  else budgetsUs[index] = budgetsUs[index]! / 2 < PROBE_US ? 0 : budgetsUs[index]! / 2;
}
