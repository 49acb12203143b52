/**
 * Which read-ahead area (src/direct-ahead.ts) a new direct entry gets: the one freed last.
 * An area is AHEAD_BYTES of the registry, untouched (not resident) until first written;
 * the first write to a page costs a page fault, some 12 us on a VM (the host backs the page
 * then), and the page stays resident. Tied to the socket number, as areas were, a server
 * that churns connections walked through all DIRECT_ENTRIES areas (a fault per new
 * connection, in the engine's lend of its first bytes: 8% of the engine's time under 64
 * clients x 1 request, and 64 MiB resident in the end); handed out last-freed-first, it
 * touches as many as it holds connections at once.
 *
 * The engine's alone (one registry per engine thread): a link takes one before it publishes
 * its entry and gives it back when it retires (both locks held: no caller is in the area).
 */
import { DIRECT_ENTRIES } from '../direct-layout.js';

const freed: number[] = [];
let neverUsed = 0;

/** An area for a new entry. At most DIRECT_ENTRIES entries are taken at once, so one is always free. */
export function takeAheadArea(): number {
  return freed.pop() ?? neverUsed++ % DIRECT_ENTRIES;
}

/** Area `area` is free again (its entry retired). */
export function freeAheadArea(area: number): void {
  freed.push(area);
}
