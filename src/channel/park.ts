/**
 * Parking a thread on a shared int32 word until it says what the thread waits for: the
 * one place a caller thread sleeps on the engine (the reply of a call, await-reply.ts; the
 * engine's Registered word after a slot is announced, caller.ts; the engine coming up,
 * engine-host.ts).
 *
 * Atomics.wait blocks the thread's event loop completely (a blocked thread receives no
 * 'exit' or 'error' events), so waits are cut into slices: between slices the caller can
 * check that the engine is still alive and post its request again (`afterSlice`).
 */

/** Longest single wait; bounds how late a dead engine is noticed. */
export const WAIT_SLICE_MS = 200;

/**
 * Checked after each slice in which the word did not change to an accepted value (slice
 * numbers start at 1); false ends the wait, unaccepted.
 */
export type AfterSlice = (slice: number) => boolean;

/**
 * Blocks until `accept(word)` holds (true), `timeoutMs` passes or `afterSlice` says to stop
 * (false). `timeoutMs < 0` waits without limit.
 */
export function parkUntil(
  words: Int32Array,
  index: number,
  accept: (value: number) => boolean,
  timeoutMs: number,
  afterSlice?: AfterSlice,
): boolean {
  const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  for (let slice = 1; ; slice++) {
    const value = Atomics.load(words, index);
    if (accept(value)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(words, index, value, Math.min(left, WAIT_SLICE_MS));
    if (afterSlice !== undefined && !accept(Atomics.load(words, index)) && !afterSlice(slice)) return false;
  }
}

/** parkUntil without blocking the thread: its event loop goes on meanwhile (Atomics.waitAsync). */
export async function parkUntilAsync(
  words: Int32Array,
  index: number,
  accept: (value: number) => boolean,
  timeoutMs: number,
  afterSlice?: AfterSlice,
): Promise<boolean> {
  const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  for (let slice = 1; ; slice++) {
    const value = Atomics.load(words, index);
    if (accept(value)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const wait = Atomics.waitAsync(words, index, value, Math.min(left, WAIT_SLICE_MS));
    if (wait.async) await wait.value;
    if (afterSlice !== undefined && !accept(Atomics.load(words, index)) && !afterSlice(slice)) return false;
  }
}
