/**
 * The direct table's layout: per-socket words shared by the engine and every caller thread,
 * so that a caller can do a non-blocking read or write on a plain TCP socket's descriptor
 * itself (docs/direct-path.md says why, and which invariants hold). It lives in the
 * registry SharedArrayBuffer, after the request ring (protocol.ts: `directEntryBase`), so
 * every thread holding the engine handle has it. What both sides do to the table as a whole
 * is in direct-table.ts.
 *
 * Entry of socket number n: index n & DIRECT_ENTRY_MASK. Socket numbers are never reused
 * in a process; the engine numbers a new connection so that its entry is free (it skips a
 * few numbers, engine/direct-link.ts `numberForLink`), and when none of the next ones is,
 * the quietest connection among them gives its entry up and goes on on the engine path: a
 * process holding thousands of idle connections still gives its busy ones the direct path.
 * A caller trusts an entry only while it holds one
 * of its locks, the entry's Socket word is its socket number, and the descriptor is still
 * the socket the engine published (Dev and Ino: README.md, invariant 4).
 */

/**
 * 16384 entries: 2 MiB of table and 256 MiB of read-ahead areas, virtual (an untouched page
 * is never resident), so that 10,000 keep-alive connections leave most entries free.
 */
export const DIRECT_ENTRIES = 16384;
export const DIRECT_ENTRY_MASK = DIRECT_ENTRIES - 1;
export const DIRECT_ENTRY_WORDS = 32;
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
  /** The descriptor's device (fstat's dev, as int32): with Ino, which open socket Fd is. */
  Dev: 7,
  /** float64 (words 8-9): bytes read directly; written only by the holder of RecvLock. */
  BytesIn: 8,
  /** float64 (words 10-11): bytes written directly; written only by the holder of SendLock. */
  BytesOut: 10,
  /** Count of receives / sends answered directly that moved bytes (tests and TCPStats show them). */
  Reads: 12,
  Writes: 13,
  /** float64 (words 14-15): the descriptor's inode (fstat's ino). */
  Ino: 14,
  /**
   * The socket's `encoding` (an id of src/text/encodings.ts), as the engine last set it:
   * a direct string send encodes in it, a direct Character receive decodes in it.
   */
  Encoding: 16,
  /**
   * The entry's read-ahead (read-ahead.ts): bytes a direct call read from the kernel and
   * did not hand out (the rest after a line, the start of a cut character), in the entry's
   * area of the registry. One word, `start << 16 | length`, so a commit is one store;
   * written only by the holder of RecvLock, and the engine absorbs it into its queue
   * whenever it takes that lock from a caller, so those bytes always come first.
   */
  Ahead: 17,
  /**
   * How many threads wait for RecvLock / SendLock (`waitForDirectLock`, the engine's
   * waitAsync): a release notifies only when one does. Atomics.notify costs some 200 ns
   * even with nobody to wake, more than a line's whole direct read. Each is
   * LOCK_WAITERS_AFTER words after its lock.
   */
  RecvWaiters: 18,
  SendWaiters: 19,
  /**
   * Which read-ahead area the entry uses (0 to DIRECT_ENTRIES - 1), set by the engine
   * before it publishes Socket. Areas are handed out last-freed-first (engine/ahead-areas.ts),
   * so a server that churns connections touches as many areas as it holds connections at
   * once, not a new one for each new number: the first write to a page costs a page fault
   * (12 us on this project's VMs, and a resident page for good).
   */
  Area: 20,
} as const;

/** A lock's waiter count is this many words after the lock. */
export const LOCK_WAITERS_AFTER = Direct.RecvWaiters - Direct.RecvLock;

/** Bytes of each entry's read-ahead area: the longest line a direct TCPReceiveUntil finds by itself. */
export const AHEAD_BYTES = 16_384;

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
  /**
   * A connected datagram socket: a read is one whole datagram (read into room for the
   * largest, so a cut one is known: -10040), 0 bytes is an empty datagram, not the end,
   * and an error (an ICMP refusal) is that call's answer, not the socket's end.
   */
  Datagram: 32,
  /**
   * The engine holds more received bytes behind the read-ahead it lent the callers (after a
   * line it answered, src/direct-ahead.ts): a caller that finds the read-ahead empty goes
   * to the engine, and never reads the descriptor, whose bytes come after the engine's.
   */
  Refill: 64,
} as const;

/** TCP_COMMANDS_DIRECT=0 keeps every socket on the engine path (both sides ask this). */
export function directPathWanted(): boolean {
  return process.env.TCP_COMMANDS_DIRECT !== '0';
}

const float64Views = new WeakMap<ArrayBufferLike, Float64Array>();

/** The registry as float64 words (the table's counters and inode), one view per registry. */
export function float64View(registry: Int32Array): Float64Array {
  let view = float64Views.get(registry.buffer);
  if (view === undefined) {
    view = new Float64Array(registry.buffer, registry.byteOffset, registry.length >> 1);
    float64Views.set(registry.buffer, view);
  }
  return view;
}

/**
 * The end of a lock: `holder` gives it back and wakes whoever waits for it (a caller, or the
 * engine's waitAsync). A compare-and-exchange, so a holder whose lock was taken from it (a
 * new engine cleared the table; the engine freed a dead thread's locks) frees nobody else's.
 */
export function releaseDirectLock(registry: Int32Array, lock: number, holder: number): void {
  // The waiter count is read after the release: a thread that counted itself in later finds
  // the lock changed when it waits, so nobody sleeps through it.
  if (Atomics.compareExchange(registry, lock, holder, 0) === holder && Atomics.load(registry, lock + LOCK_WAITERS_AFTER) !== 0) {
    Atomics.notify(registry, lock);
  }
}

/**
 * Waits up to `ms` for lock word `lock` to change from `holder`, counted among its
 * waiters so that its release notifies. (A thread ended while it waits leaves the count
 * one too high: releases then notify for nothing, which is only slower.)
 */
export function waitForDirectLock(registry: Int32Array, lock: number, holder: number, ms: number): void {
  Atomics.add(registry, lock + LOCK_WAITERS_AFTER, 1);
  Atomics.wait(registry, lock, holder, ms);
  Atomics.sub(registry, lock + LOCK_WAITERS_AFTER, 1);
}
