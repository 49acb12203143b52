/**
 * The read-ahead of a direct entry (direct-layout.ts, `Direct.Ahead`): bytes a caller's
 * direct read took from the kernel and did not hand out, kept in the entry's area of
 * the registry (Direct.Area: engine/ahead-areas.ts hands them out) so that the next command of any thread, or the engine, takes them first.
 *
 * - A direct TCPReceiveUntil reads into the area, hands over the line and leaves the rest;
 *   a direct Character receive leaves the start of a cut character there.
 * - Every direct receive looks there before it reads the descriptor.
 * - The engine moves them to the front of its queue whenever it takes the receive lock from
 *   the callers (DirectLink), so what it then answers (a parked receive, TCPAvailable,
 *   TCPWait, serve()'s watch for the next request, TCPStartTLS's hand-over to TLS, a close)
 *   sees them first.
 *
 * Only the holder of the entry's RecvLock reads or writes the area and its word. The word
 * packs `start << 16 | length`, so one store commits a change: a thread that dies between
 * two stores leaves the last committed state, never a torn one.
 */
import { AHEAD_BYTES, DIRECT_ENTRIES, DIRECT_ENTRY_MASK } from './direct-layout.js';
import { aheadAreaStart } from './protocol.js';

export function aheadStart(word: number): number {
  return word >>> 16;
}

export function aheadLength(word: number): number {
  return word & 0xffff;
}

/** The word for `length` bytes from `start` (0 when empty: the next bytes start at the area's start). */
export function aheadWord(start: number, length: number): number {
  return length === 0 ? 0 : (start << 16) | length;
}

const areas = new WeakMap<Int32Array, Array<Buffer | undefined>>();
/** The last registry asked about and its views: a thread has one registry at a time. */
let lastRegistry: Int32Array | undefined;
let lastViews: Array<Buffer | undefined> = [];

/** Read-ahead area `area` (an entry's Direct.Area) of `registry`, AHEAD_BYTES long (one view per area and registry). */
export function aheadArea(registry: Int32Array, area: number): Buffer {
  let views = lastViews;
  if (registry !== lastRegistry) {
    views = areas.get(registry) ?? new Array<Buffer | undefined>(DIRECT_ENTRIES);
    areas.set(registry, views);
    lastRegistry = registry;
    lastViews = views;
  }
  const index = area & DIRECT_ENTRY_MASK;
  let view = views[index];
  if (view === undefined) {
    view = Buffer.from(registry.buffer as ArrayBuffer, registry.byteOffset + aheadAreaStart(index), AHEAD_BYTES);
    views[index] = view;
  }
  return view;
}
