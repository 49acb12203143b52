/**
 * Hooks for the project's fault tests: make the engine fail the ways a bug or an
 * operator would. Not part of the public API (not exported by index.ts).
 *
 * crashEngine and hangEngine need an engine started after enableTestHooks(); in any other
 * engine their operations do not exist (-10022, and the engine goes on).
 */
import { openChannel } from './channel/caller.js';
import { ownEngineWorker, retireAndTerminateOwnEngine } from './channel/engine-host.js';
import { Op, TEST_HOOKS_ENV } from './protocol.js';

/** Engines started from now on (the engine thread inherits the environment) have the test hooks. */
export function enableTestHooks(): void {
  process.env[TEST_HOOKS_ENV] = '1';
}

/** The engine throws from its event loop, as an engine bug would (it dies and reports). */
export function crashEngine(): number {
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(Op.Crash, 0);
}

/**
 * The engine thread is terminated from outside: no chance to report anything, nor to retire
 * its direct table first (what running out of memory does to it).
 */
export async function terminateEngine(): Promise<void> {
  await ownEngineWorker()?.terminate();
}

/** The engine thread is terminated the way its starter ends a stuck engine: its direct table retired first. */
export async function stopEngineAsStarterWould(): Promise<void> {
  await retireAndTerminateOwnEngine();
}

/** The engine's event loop stops turning (it neither answers nor beats). */
export function hangEngine(): number {
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(Op.Hang, 0);
}
