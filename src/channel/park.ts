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

/** One slice to wait: while the word still holds `value`, at most `ms`. */
interface WaitSlice {
  value: number;
  ms: number;
}

/**
 * The slice loop, written once for both waits below: yields each slice to wait, returns
 * whether the word was accepted.
 */
function* slices(
  words: Int32Array,
  index: number,
  accept: (value: number) => boolean,
  timeoutMs: number,
  afterSlice: AfterSlice | undefined,
): Generator<WaitSlice, boolean> {
  const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  for (let slice = 1; ; slice++) {
    const value = Atomics.load(words, index);
    if (accept(value)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    yield { value, ms: Math.min(left, WAIT_SLICE_MS) };
    if (afterSlice !== undefined && !accept(Atomics.load(words, index)) && !afterSlice(slice)) return false;
  }
}

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
  const wait = slices(words, index, accept, timeoutMs, afterSlice);
  for (let step = wait.next(); ; step = wait.next()) {
    if (step.done === true) return step.value;
    Atomics.wait(words, index, step.value.value, step.value.ms);
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
  const wait = slices(words, index, accept, timeoutMs, afterSlice);
  for (let step = wait.next(); ; step = wait.next()) {
    if (step.done === true) return step.value;
    const parked = Atomics.waitAsync(words, index, step.value.value, step.value.ms);
    if (parked.async) await parked.value;
  }
}
