/**
 * Spinning pays only on a spare core. A caller thread that spins (waiting for an engine
 * reply, retrying a direct read, looking for a keep-alive connection's next request) holds
 * the core the engine or the peer it waits for may need: with more spinners than spare
 * cores, a spin delays the very thing it waits for, and a learned spin then grows to its
 * maximum (issue 27: serve()'s connection handlers, eight client threads on two cores).
 * So a thread spins only while it holds a permit, and a process has one fewer permits than
 * cores (at least one): registry words from SPIN_PERMITS_START, each 0 or the slot id of
 * its holder (protocol.ts). A thread without one parks at once, as it would after a spin.
 * A thread that dies holding one: the engine frees it with its locks (direct-table.ts).
 */
import { availableParallelism } from 'node:os';
import { SPIN_PERMITS, SPIN_PERMITS_START } from '../protocol.js';
import { currentRegistry } from './engine-host.js';

/**
 * One fewer than the cores, at least one; TCP_COMMANDS_SPIN_PERMITS=N sets another count
 * (0: no thread spins; up to 64), for a machine whose other work is known.
 */
function permitCount(): number {
  const asked = Number.parseInt(process.env.TCP_COMMANDS_SPIN_PERMITS ?? '', 10);
  if (Number.isInteger(asked) && asked >= 0) return Math.min(SPIN_PERMITS, asked);
  return Math.min(SPIN_PERMITS, Math.max(1, availableParallelism() - 1));
}

const PERMITS = permitCount();

/** The permit word this thread holds (-1: none), and the slot id it holds it for. */
let held = -1;
let heldFor = 0;

/** Takes a permit for slot `holder` (true), or none is free (false). A thread holds one at most. */
export function takeSpinPermit(holder: number): boolean {
  if (held >= 0) return true;
  const registry = currentRegistry();
  for (let word = SPIN_PERMITS_START; word < SPIN_PERMITS_START + PERMITS; word++) {
    if (Atomics.load(registry, word) === 0 && Atomics.compareExchange(registry, word, 0, holder) === 0) {
      held = word;
      heldFor = holder;
      return true;
    }
  }
  return false;
}

/** Gives this thread's permit back (if it holds one). */
export function returnSpinPermit(): void {
  if (held < 0) return;
  // (Not if the engine freed it meanwhile and another thread took it.)
  Atomics.compareExchange(currentRegistry(), held, heldFor, 0);
  held = -1;
}
