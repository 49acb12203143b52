/**
 * The handler call durations' histogram buckets, upper bounds in seconds: the pool
 * threads count into them (server/counters.ts), metrics.ts publishes them. A module of its
 * own so that the threads load no metrics code.
 */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
