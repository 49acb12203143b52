/**
 * serve()'s live counters, in shared memory so that the pool threads running the accept
 * loops move them and the serving thread reads them without messages.
 */
import { DURATION_BUCKETS } from '../operate/duration-buckets.js';

export const ServeCounter = {
  /** Connections a loop accepted (handed to the handler). */
  Accepted: 0,
  /** Handlers that returned. */
  Completed: 1,
  /** Handlers that threw (their sockets reset). */
  Failed: 2,
  /** TLS clients whose handshake failed (never handed to a handler). */
  HandshakeFailures: 3,
  /** Calls of a request handler that returned. */
  Requests: 4,
  /** Calls of a datagram handler that returned. */
  Datagrams: 5,
  /**
   * Word FirstLoop + i: the socket loop i serves now, 0 between connections; minus the
   * socket while a connection loop's finished connection waits to be closed by its next
   * accept (not busy, but closed by serve() if the thread dies first).
   */
  FirstLoop: 8,
} as const;

export function newServeCounters(loops: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((ServeCounter.FirstLoop + loops) * 4));
}

/**
 * serve({ metrics }): the handler calls' durations, in the Prometheus histogram's buckets
 * (DURATION_BUCKETS, operate/duration-buckets.ts). Each loop has a row of its own in a Float64Array (bucket
 * counts, not cumulative, then the +Inf count, then the sum of seconds) written only by its
 * thread with plain stores: no atomics, no contention; the serving thread adds the rows up
 * when scraped. Without `metrics` there is no buffer and the loops time nothing.
 */
/** A row: one count per bucket, the +Inf bucket's count, the sum. */
export const DURATION_ROW = DURATION_BUCKETS.length + 2;

export function newDurationRows(loops: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(loops * DURATION_ROW * 8));
}

/** Records one call of `seconds` in loop `loop`'s row (called on that loop's thread only). */
export function recordDuration(rows: Float64Array, loop: number, seconds: number): void {
  const base = loop * DURATION_ROW;
  let bucket = 0;
  while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
  rows[base + bucket]! += 1;
  rows[base + DURATION_ROW - 1]! += seconds;
}

/** The rows added up: per-bucket counts (not cumulative, +Inf last) and the sum. */
export function sumDurations(rows: Float64Array, into: number[] = new Array<number>(DURATION_ROW).fill(0)): number[] {
  for (let i = 0; i < rows.length; i++) into[i % DURATION_ROW]! += rows[i]!;
  return into;
}
