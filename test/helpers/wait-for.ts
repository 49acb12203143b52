/**
 * Polling on a condition instead of sleeping a fixed time: a fixed sleep is too short on
 * a loaded machine and wasted time on an idle one.
 */
import { TCPStats } from '../../src/index.js';

/** Resolves once `condition()` holds (checked every 10 ms); rejects after `timeoutMs`, naming `what`. */
export function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`not in ${timeoutMs} ms: ${what}`));
      else setTimeout(check, 10);
    };
    check();
  });
}

/** Requests waiting in this process's engine now (TCPStats().parked). */
export function parkedInEngine(): number {
  const stats = TCPStats();
  return typeof stats === 'object' ? stats.parked : 0;
}

/** A snapshot of TCPStats() fields, 0 when there is no engine. */
export function engineSlots(): number {
  const stats = TCPStats();
  return typeof stats === 'object' ? stats.slots : 0;
}

/** Resolves true once `condition()` holds (checked every 10 ms), false after `timeoutMs`: for a t.true() that names what failed. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** `until` for a worker or fixture that may not await: blocks the thread between checks. */
export function untilBlocking(condition: () => boolean, timeoutMs = 10_000): boolean {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!condition()) {
    if (Date.now() > deadline) return false;
    Atomics.wait(pause, 0, 0, 10);
  }
  return true;
}
