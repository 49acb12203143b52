/**
 * Parking a thread on a shared int32 word. Atomics.wait blocks the thread's event loop
 * completely, so waits are cut into slices: between slices the caller can check that the
 * engine is still alive (a blocked thread receives no 'exit' or 'error' events).
 */

/** Longest single Atomics.wait; bounds how late a dead engine is noticed. */
export const WAIT_SLICE_MS = 200;

/**
 * Waits until `accept(word)` holds or `timeoutMs` passes; true when accepted.
 * `timeoutMs < 0` waits without limit.
 */
export function waitForWord(
  words: Int32Array,
  index: number,
  accept: (value: number) => boolean,
  timeoutMs: number,
): boolean {
  const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    const value = Atomics.load(words, index);
    if (accept(value)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(words, index, value, Math.min(left, WAIT_SLICE_MS));
  }
}
