/**
 * Operations for the fault tests only (registered by dispatch.ts when the engine starts
 * with TEST_HOOKS_ENV=1): the engine fails the ways a bug would.
 */
import type { EngineSlot } from './slot.js';

/** Test hook: an exception thrown from the event loop, as a bug in the engine would be. */
export function crash(slot: EngineSlot): void {
  slot.reply(0);
  setImmediate(() => {
    throw new Error('socket engine crash requested by a test');
  });
}

/** Test hook: the event loop stops turning for good, as a stuck engine's would. */
export function hang(slot: EngineSlot): void {
  slot.reply(0);
  setImmediate(() => {
    for (;;);
  });
}
