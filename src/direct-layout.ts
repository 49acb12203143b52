/**
 * The direct table: per-socket words shared by the engine and every caller thread, so that a
 * caller can do a non-blocking read or write on a plain TCP socket's descriptor itself
 * (src/channel/direct/README.md says why, and which invariants hold). It lives in the
 * registry SharedArrayBuffer, after the request ring, so every thread holding the engine
 * handle has it. The functions here are the few both sides run on the table as a whole.
 *
 * Entry of socket number n: index n & DIRECT_ENTRY_MASK. Socket numbers are never reused
 * in a process, so two live sockets share an entry only 4096 numbers apart; the engine then
 * leaves the newer one on the engine path. A caller trusts an entry only while it holds one
 * of its locks and the entry's Socket word is its socket number.
 */

export const DIRECT_ENTRIES = 4096;
export const DIRECT_ENTRY_MASK = DIRECT_ENTRIES - 1;
export const DIRECT_ENTRY_WORDS = 16;
export const DIRECT_TABLE_WORDS = DIRECT_ENTRIES * DIRECT_ENTRY_WORDS;

/** Words of an entry (int32 unless said otherwise). */
export const Direct = {
  /** The socket number this entry describes; 0 while free. */
  Socket: 0,
  /** The descriptor (node's `_handle.fd`), valid while a lock is held and Socket matches. */
  Fd: 1,
  /**
   * Who may read the descriptor: 0 nobody (the bytes are in the kernel; a caller may take
   * it), a caller's slot id (a direct read in progress, microseconds), or DIRECT_ENGINE
   * (the engine holds unread bytes or is reading: receives go to the engine).
   */
  RecvLock: 2,
  /**
   * Who may write: 0, a caller's slot id (a direct write, or its blocking remainder on its
   * way through the engine), or DIRECT_ENGINE (the engine is writing, or retiring).
   */
  SendLock: 3,
  /** DirectFlag bits. */
  Flags: 4,
  /** The error code that ended the connection as a direct call saw it (0 while healthy). */
  Failure: 5,
  /** The socket's time-out, ms, or -1: how long a sender waits for another's send lock. */
  TimeoutMs: 6,
  /** float64 (words 8-9): bytes read directly; written only by the holder of RecvLock. */
  BytesIn: 8,
  /** float64 (words 10-11): bytes written directly; written only by the holder of SendLock. */
  BytesOut: 10,
  /** Count of direct reads / writes that moved bytes (tests and TCPStats show them). */
  Reads: 12,
  Writes: 13,
} as const;

/** The lock holder that is the engine itself (caller holders are slot ids, >= 1). */
export const DIRECT_ENGINE = -1;

export const DirectFlag = {
  /** Closing, or its engine is gone: no new direct call may start. */
  Closed: 1,
  /** TCPBlock 0 made it non-blocking. */
  NonBlocking: 2,
  /** TCPClose option 1 was given: sends answer -10058. */
  FinSent: 4,
  /** The engine holds bytes not yet given to the kernel (or a multi-part send): sends go there. */
  Unsent: 8,
  /** A direct read saw the end of the stream. */
  Eof: 16,
} as const;

/** The word index (in the registry's Int32Array) of word `word` of socket `socket`'s entry. */
export function directWord(tableStart: number, socket: number, word: number): number {
  return tableStart + (socket & DIRECT_ENTRY_MASK) * DIRECT_ENTRY_WORDS + word;
}

/**
 * Stops every direct call of the table for good (the engine is going away: it dies, or its
 * starter is about to terminate it, and the OS will close its descriptors). Marks every
 * entry Closed, then takes each lock a caller holds, waiting up to `deadlineMs` in all: a
 * direct call holds a lock only for one non-blocking system call, or for its blocking
 * remainder's trip through this very engine, which is answered (-10050) before this runs.
 */
export function retireDirectTable(registry: Int32Array, tableStart: number, deadlineMs: number): void {
  const deadline = Date.now() + deadlineMs;
  for (let entry = 0; entry < DIRECT_ENTRIES; entry++) {
    const base = tableStart + entry * DIRECT_ENTRY_WORDS;
    if (Atomics.load(registry, base + Direct.Socket) === 0) continue;
    Atomics.or(registry, base + Direct.Flags, DirectFlag.Closed);
    for (const lock of [base + Direct.RecvLock, base + Direct.SendLock]) {
      for (;;) {
        const holder = Atomics.compareExchange(registry, lock, 0, DIRECT_ENGINE);
        if (holder === 0 || holder === DIRECT_ENGINE) break;
        const left = deadline - Date.now();
        if (left <= 0) break; // a holder that never lets go (a dead thread): nothing more to do
        Atomics.wait(registry, lock, holder, Math.min(left, 20));
      }
    }
  }
}

/** A new engine starts from an empty table: no entry, no lock, no flag of its predecessor. */
export function clearDirectTable(registry: Int32Array, tableStart: number): void {
  registry.fill(0, tableStart, tableStart + DIRECT_TABLE_WORDS);
}

/** The end of a lock: free it and wake whoever waits for it (a caller, or the engine's waitAsync). */
export function releaseDirectLock(registry: Int32Array, lock: number): void {
  Atomics.store(registry, lock, 0);
  Atomics.notify(registry, lock);
}
