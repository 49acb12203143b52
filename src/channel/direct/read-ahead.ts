/**
 * A caller's hands on its entry's read-ahead (src/direct-ahead.ts says what it is), always
 * while it holds the entry's RecvLock: what is there, taking from it, committing a change.
 */
import { Direct } from '../../direct-layout.js';
import { aheadArea, aheadLength, aheadStart, aheadWord } from '../../direct-ahead.js';
import { tableWords } from './table.js';

/** The read-ahead of the entry at `base`: its area and where its bytes are. */
export interface Ahead {
  area: Buffer;
  start: number;
  length: number;
}

/** One object per thread, refilled per call: nothing allocated on the hot path. */
const current: Ahead = { area: Buffer.alloc(0), start: 0, length: 0 };

/** The read-ahead of the entry at `base` as it is now (the caller holds RecvLock, and has checked the entry is its socket's). */
export function readAhead(base: number): Ahead {
  const word = Atomics.load(tableWords(), base + Direct.Ahead);
  current.area = aheadArea(tableWords(), Atomics.load(tableWords(), base + Direct.Area));
  current.start = aheadStart(word);
  current.length = aheadLength(word);
  return current;
}

/** Commits the read-ahead as `ahead` now says (one store). */
export function commitAhead(base: number, ahead: Ahead): void {
  if (ahead.length === 0) ahead.start = 0;
  Atomics.store(tableWords(), base + Direct.Ahead, aheadWord(ahead.start, ahead.length));
}

/**
 * Copies `count` bytes of the area from `from` to the start of `target`. A line is short:
 * a loop beats Buffer#copy's view per call (node 20 builds one for every copy).
 */
export function copyOut(area: Buffer, from: number, target: Uint8Array, count: number): void {
  if (count > 128) {
    area.copy(target, 0, from, from + count);
    return;
  }
  for (let i = 0; i < count; i++) target[i] = area[from + i]!;
}

/** Moves up to `max` bytes of the read-ahead into `target` from its start, commits, and returns the count. */
export function takeAhead(base: number, ahead: Ahead, target: Uint8Array, max: number): number {
  const n = Math.min(max, ahead.length, target.length);
  copyOut(ahead.area, ahead.start, target, n);
  ahead.start += n;
  ahead.length -= n;
  commitAhead(base, ahead);
  return n;
}

/** Moves the read-ahead's bytes to the start of its area (room for a read behind them), and commits. */
export function compactAhead(base: number, ahead: Ahead): void {
  if (ahead.start === 0) return;
  ahead.area.copyWithin(0, ahead.start, ahead.start + ahead.length);
  ahead.start = 0;
  commitAhead(base, ahead);
}
