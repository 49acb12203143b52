/**
 * How long a caller spins on its slot before parking in Atomics.wait.
 *
 * One Atomics.load costs about 8 ns here, so 4,000 iterations spin some 30 us: longer
 * than the engine takes to answer a command that needs no network (about 3 us), shorter
 * than a futex wake-up (30-90 us, DESIGN.md). Measured with `npm run bench`.
 */
export const SPIN_ITERATIONS = 4000;
