/**
 * A caller's view of the direct table (src/direct-layout.ts): the registry's words, the
 * lock a caller takes on a socket's entry, and the descriptor it may use while it holds it.
 * README.md in this folder: the invariants.
 */
import { Direct, DIRECT_ENGINE, DirectFlag, directPathWanted, float64View, waitForDirectLock } from '../../direct-layout.js';
import { directEntryBase, EngineState, Reg } from '../../protocol.js';
import { currentRegistry } from '../engine-host.js';
import { stillTheSocket } from './descriptor.js';

let enabled: boolean | undefined;

/** TCP_COMMANDS_DIRECT=0 forces the engine path for every command (read once per thread). */
function directEnabled(): boolean {
  enabled ??= directPathWanted();
  return enabled;
}

let words: Int32Array | undefined;
let floats: Float64Array | undefined;

export function tableWords(): Int32Array {
  const registry = currentRegistry();
  if (words !== registry) {
    words = registry;
    floats = float64View(registry);
  }
  return words;
}

/** Adds `n` to the float64 counter at word `word` (the caller holds the lock that guards it). */
export function addCount(word: number, n: number): void {
  floats![word >> 1]! += n;
}

/** The first word of socket `socket`'s entry, or -1 when the socket is not open to direct calls. */
export function entryOf(socket: number): number {
  if (!directEnabled()) return -1;
  const base = directEntryBase(socket);
  const w = tableWords();
  if (Atomics.load(w, base + Direct.Socket) !== socket) return -1;
  if ((Atomics.load(w, base + Direct.Flags) & DirectFlag.Closed) !== 0) return -1;
  return base;
}

/** Got the lock. */
export const TAKEN = 0;
/** The engine holds it: the command goes to the engine. */
export const ENGINE_HOLDS = 1;
/** Another caller kept it longer than `patienceMs`, or the socket is closing. */
export const GAVE_UP = 2;

/**
 * Takes lock word `lock` for slot `holder`. Another caller holds a receive lock for one
 * system call, a send lock for one send (whose remainder may wait in the engine): spin
 * briefly, then wait for its release (the holder notifies), up to `patienceMs` (-1: no limit).
 */
export function takeLock(w: Int32Array, base: number, socket: number, lock: number, holder: number, patienceMs: number): number {
  let started = 0;
  for (let i = 0; ; i++) {
    const current = Atomics.compareExchange(w, lock, 0, holder);
    if (current === 0) return TAKEN;
    if (current === DIRECT_ENGINE && lock === base + Direct.RecvLock) return ENGINE_HOLDS;
    // Closing, or no longer this socket's entry (a new engine cleared the table): its lock
    // may never be freed for us.
    if (!stillOpen(w, base, socket)) return GAVE_UP;
    if (i < 64) continue;
    const now = Date.now();
    if (started === 0) started = now;
    else if (patienceMs >= 0 && now - started >= patienceMs) return GAVE_UP;
    waitForDirectLock(w, lock, current, 5);
  }
}

/** True while the entry still describes `socket` and is not closing (checked under a lock). */
export function stillOpen(w: Int32Array, base: number, socket: number): boolean {
  return Atomics.load(w, base + Direct.Socket) === socket && (Atomics.load(w, base + Direct.Flags) & DirectFlag.Closed) === 0;
}

/** usableFd's refusals: the entry is closing (or no longer this socket's), or its descriptor went with its engine. */
export const CLOSING = -1;
export const GONE = -2;

/**
 * The descriptor a caller holding one of the entry's locks may use for its next system call,
 * or CLOSING / GONE when it may not: the entry no longer describes `socket` or is closing,
 * or its number no longer names the socket the engine published (its engine is gone:
 * descriptor.ts). Asked before every system call, not once per command: an engine can die
 * between two.
 */
export function usableFd(w: Int32Array, base: number, socket: number): number {
  const generation = Atomics.load(w, Reg.Generation);
  if (!stillOpen(w, base, socket)) return CLOSING;
  const fd = Atomics.load(w, base + Direct.Fd);
  const dev = Atomics.load(w, base + Direct.Dev);
  const ino = floats![(base + Direct.Ino) >> 1]!;
  // Those words are this socket's only if the entry still names it, open, in the same
  // generation (a new engine clears the table; socket numbers are never reused).
  if (!stillOpen(w, base, socket) || Atomics.load(w, Reg.Generation) !== generation) return CLOSING;
  if (stillTheSocket(fd, dev, ino)) return fd;
  Atomics.or(w, base + Direct.Flags, DirectFlag.Closed); // for good: the next callers need not ask
  // The engine closes a descriptor only after retiring its entry, so one that is gone under
  // an entry its engine still publishes went with that engine: the proof that it is dead,
  // seconds before its missed heartbeats would say so. Every waiting caller is told now
  // (-10050), and its starter brings up a new one. (Not if a new engine has started since.)
  if (Atomics.load(w, Reg.Generation) === generation && Atomics.compareExchange(w, Reg.State, EngineState.Ready, EngineState.Dead) === EngineState.Ready) {
    Atomics.notify(w, Reg.State);
  }
  return GONE;
}
