/**
 * How long a waiting caller spins before it parks: learned from what happened.
 *
 * Parking costs a futex wake-up for the engine and tens of microseconds for the caller
 * (30-90 us for a round trip here: docs/ARCHITECTURE.md, "Adaptive spins"); spinning costs a
 * core. Spinning pays when the awaited thing comes within the spin (an engine reply; a
 * peer's answer in a ping-pong), and wastes the core when it does not (a slow peer; more
 * busy threads than cores, where the spinner takes the core the engine needs). So:
 * - caught while spinning, after t us: keep a budget of at least 2t (up to maxUs);
 * - parked, but it came within maxUs: a longer spin would have caught it, so grow the
 *   budget to 1.5 times that wait;
 * - parked, and it took longer: halve the budget, down to nothing; a spin of nothing
 *   probes with probeUs every probeEvery calls.
 *
 * Two users: a call waiting for the engine's reply (await-reply.ts, one spin per operation)
 * and a direct receive retrying its read before it parks (direct/receive.ts).
 */
export class LearnedSpin {
  private budget: number;
  private calls = 0;

  constructor(
    private readonly maxUs: number,
    startUs: number,
    private readonly probeUs: number,
    private readonly probeEvery: number,
  ) {
    this.budget = startUs;
  }

  /** Microseconds to spin for this call. */
  budgetUs(): number {
    if (this.budget > 0) return this.budget;
    return ++this.calls % this.probeEvery === 0 ? this.probeUs : 0;
  }

  /** It came `us` after the spin began, while spinning. */
  caught(us: number): void {
    this.budget = Math.min(this.maxUs, Math.max(this.budget, 2 * us + 1));
  }

  /** It came `us` after the spin began, after the caller parked. */
  parked(us: number): void {
    if (us <= this.maxUs) this.budget = Math.min(this.maxUs, us * 1.5);
    else this.budget = this.budget / 2 < this.probeUs ? 0 : this.budget / 2;
  }
}

/**
 * A direct receive's retries: one non-blocking read each, spent where the data will appear.
 * It starts high enough for a local round trip, so that a fresh process's first round trips
 * are not slower than later ones (no slow learning from a small start).
 */
export const directReceiveSpin = new LearnedSpin(250, 120, 5, 16);

const OPS = 128;
/** Each engine operation's wait for its reply (a send's reply comes in microseconds, a receive's may never). */
const replySpins = Array.from({ length: OPS }, () => new LearnedSpin(150, 30, 2, 16));

export function replySpin(op: number): LearnedSpin {
  return replySpins[op & (OPS - 1)]!;
}
