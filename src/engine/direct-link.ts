/**
 * The engine's side of a plain TCP socket that callers may read and write directly
 * (docs/direct-path.md: the invariants). It owns the socket's entry in the
 * direct table and decides when node reads the socket:
 *
 * - node reads (libuv readStart) only while the engine holds the receive lock, and only
 *   while it needs bytes (a receive or TCPWait parked here, or the socket is closing);
 *   otherwise the descriptor is left to the callers. `socket.pause()` alone would not stop
 *   libuv (docs/ARCHITECTURE.md, "The direct path"), so the handle's reads are stopped for
 *   real and the stream's `_read` is gated, or node's Readable would start them again.
 * - the engine never closes the descriptor while a caller holds a lock: the socket's
 *   `_destroy` (every close the engine makes goes through it: TCPClose, an error, the end)
 *   waits until the engine holds both. A dying engine's descriptors close without it (node
 *   closes a thread's handles as the thread goes): callers check the descriptor's identity
 *   before each call instead (channel/direct/descriptor.ts).
 */
import type dgram from 'node:dgram';
import { fstatSync, readSync } from 'node:fs';
import type { Socket } from 'node:net';
import { codeFromError, isWouldBlock } from '../errors.js';
import { AHEAD_BYTES, Direct, DIRECT_ENGINE, LOCK_WAITERS_AFTER, DIRECT_ENTRY_MASK, DirectFlag, directPathWanted, float64View, releaseDirectLock } from '../direct-layout.js';
import { aheadArea, aheadLength, aheadStart, aheadWord } from '../direct-ahead.js';
import { freeAheadArea, takeAheadArea } from './ahead-areas.js';
import type { ReceiveQueue } from './receive-queue.js';
import { directEntryBase } from '../protocol.js';
import { udpHandle } from './udp-handle.js';

/** The parts of node's TCP handle the direct path relies on (feature-detected). */
interface TcpHandle {
  fd?: unknown;
  reading?: boolean;
  readStart?: () => number;
  readStop?: () => number;
}



type ReadFn = (size: number) => void;
type DestroyFn = (error: Error | null, callback: (error?: Error | null) => void) => void;

/** Entries in use by this engine (one engine per thread, so per module), by index. */
const taken = new Map<number, DirectLink>();

/** How many numbers past the next one a new connection's number may skip to find a free entry. */
const NUMBER_SKIP = 64;
/** A connection gives its entry up to a new one only after this long with no call (ms). */
const QUIET_BEFORE_EVICTION_MS = 1_000;

/** How often the quiet connections are looked at (their call counts compared), ms. */
const SWEEP_MS = 500;
let sweeper: NodeJS.Timeout | undefined;

/**
 * Every SWEEP_MS while entries are taken: each link compares its call counts with the last
 * look's, so that when a new connection needs an entry the quiet ones are known (a first
 * look cannot tell how long a connection has been quiet). Unref'd: it keeps nothing alive.
 */
function sweepWhileTaken(): void {
  if (sweeper !== undefined) return;
  sweeper = setInterval(() => {
    if (taken.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
      return;
    }
    const now = performance.now();
    for (const link of taken.values()) link.quietSince(now);
  }, SWEEP_MS);
  sweeper.unref();
}

/**
 * The number for a new connection, from `next` (the registry's next number) on: the first
 * of the next NUMBER_SKIP numbers whose direct entry is free; when none is, the number of
 * the quietest connection's entry among them, which that connection gives up (it goes on
 * on the engine path: `onEvict`); `next` itself when no connection there has been quiet
 * long enough (the new one then stays on the engine path, as every connection did when
 * the table was full). Numbers stay increasing and are never reused; they skip at most
 * NUMBER_SKIP at a time.
 */
export function numberForLink(next: number): number {
  if (!directPathWanted()) return next;
  for (let number = next; number < next + NUMBER_SKIP; number++) {
    if (!taken.has(number & DIRECT_ENTRY_MASK)) return number;
  }
  const now = performance.now();
  let quietest: DirectLink | undefined;
  for (let number = next; number < next + NUMBER_SKIP; number++) {
    const link = taken.get(number & DIRECT_ENTRY_MASK)!;
    const since = link.quietSince(now);
    if (now - since >= QUIET_BEFORE_EVICTION_MS && link.evictable && (quietest === undefined || since < quietest.quietSince(now))) quietest = link;
  }
  if (quietest === undefined) return next;
  const index = quietest.number & DIRECT_ENTRY_MASK;
  quietest.evict();
  if (taken.has(index)) return next; // (not given up at once after all: a lock was held)
  return next + ((index - (next & DIRECT_ENTRY_MASK)) & DIRECT_ENTRY_MASK);
}

export class DirectLink {
  private readonly base: number;
  private readonly float: Float64Array;
  private readsWanted = true;
  private retired = false;
  /** The final direct byte counts, kept once the entry is given back. */
  private finalIn = 0;
  private finalOut = 0;
  /** Bytes the engine itself read from the descriptor (TCPAvailable's pull): node does not count them. */
  private pulled = 0;

  private constructor(
    private readonly words: Int32Array,
    /** The stream whose reads are gated; undefined for a datagram socket (its handle is all there is). */
    private readonly socket: Socket | undefined,
    private readonly handle: TcpHandle & { readStart: () => number; readStop: () => number },
    readonly number: number,
    fd: number,
    identity: { dev: number; ino: number },
    timeoutMs: number,
    encoding: number,
  ) {
    this.base = directEntryBase(number);
    this.float = float64View(words);
    this.areaIndex = takeAheadArea();
    this.area = aheadArea(words, this.areaIndex);
    taken.set(number & DIRECT_ENTRY_MASK, this);
    sweepWhileTaken();
    const w = words;
    const b = this.base;
    Atomics.store(w, b + Direct.Socket, 0);
    Atomics.store(w, b + Direct.Fd, fd);
    // Which socket the number names: a caller checks it before each system call.
    Atomics.store(w, b + Direct.Dev, identity.dev | 0);
    this.float[(b + Direct.Ino) >> 1] = identity.ino;
    Atomics.store(w, b + Direct.RecvLock, DIRECT_ENGINE); // until the engine has handed over what it read
    Atomics.store(w, b + Direct.SendLock, 0);
    Atomics.store(w, b + Direct.Flags, socket === undefined ? DirectFlag.Datagram : socket.writableLength > 0 ? DirectFlag.Unsent : 0);
    Atomics.store(w, b + Direct.Failure, 0);
    Atomics.store(w, b + Direct.TimeoutMs, timeoutMs);
    Atomics.store(w, b + Direct.Encoding, encoding);
    Atomics.store(w, b + Direct.Ahead, 0);
    Atomics.store(w, b + Direct.Area, this.areaIndex);
    Atomics.store(w, b + Direct.Reads, 0);
    Atomics.store(w, b + Direct.Writes, 0);
    this.float[(b + Direct.BytesIn) >> 1] = 0;
    this.float[(b + Direct.BytesOut) >> 1] = 0;
    Atomics.store(w, b + Direct.Socket, number); // published last: the entry is whole now
    if (socket !== undefined) this.gate();
  }

  /**
   * The link of socket `number`, or undefined when it stays on the engine path: direct
   * calls turned off, node's handle without what we need (another platform, a future
   * node), or its entry held by a live socket (numberForLink found no free one).
   */
  static attach(registry: Int32Array, number: number, socket: Socket, timeoutMs: number, encoding: number): DirectLink | undefined {
    if (!directPathWanted()) return undefined;
    const handle = (socket as unknown as { _handle?: TcpHandle })._handle;
    const fd = handle?.fd;
    if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) return undefined;
    if (typeof handle!.readStart !== 'function' || typeof handle!.readStop !== 'function') return undefined;
    if (typeof (socket as unknown as { _read?: unknown })._read !== 'function') return undefined;
    const identity = DirectLink.identity(number, fd);
    if (identity === undefined) return undefined;
    return new DirectLink(registry, socket, handle as TcpHandle & { readStart: () => number; readStop: () => number }, number, fd, identity, timeoutMs, encoding);
  }

  /**
   * The link of a connected datagram socket (UDPConnect): callers read and write whole
   * datagrams of its one peer. node's UDP handle reads with recvStart / recvStop.
   */
  static attachDatagram(registry: Int32Array, number: number, socket: dgram.Socket, timeoutMs: number): DirectLink | undefined {
    if (!directPathWanted()) return undefined;
    const handle = udpHandle(socket);
    const fd = handle?.fd;
    if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) return undefined;
    if (typeof handle!.recvStart !== 'function' || typeof handle!.recvStop !== 'function') return undefined;
    const identity = DirectLink.identity(number, fd);
    if (identity === undefined) return undefined;
    // node started its reads at bind: `reading` true, as for a stream's first reads.
    const udp = handle!;
    const reads = { reading: true, readStart: () => udp.recvStart!(), readStop: () => udp.recvStop!() };
    return new DirectLink(registry, undefined, reads, number, fd, identity, timeoutMs, 0);
  }

  /** The descriptor's device and inode, or undefined when the entry is held by an older live socket or the descriptor is gone. */
  private static identity(number: number, fd: number): { dev: number; ino: number } | undefined {
    if (taken.has(number & DIRECT_ENTRY_MASK)) return undefined;
    try {
      return fstatSync(fd);
    } catch {
      return undefined; // (closed under us: the engine path reports it)
    }
  }

  // ---- reading ----------------------------------------------------------------------------

  /** node's Readable calls `_read` whenever it wants more; while we hold reads back, it gets none. */
  private gate(): void {
    const socket = this.socket! as unknown as { _read: ReadFn; _destroy: DestroyFn };
    const read = socket._read;
    const destroy = socket._destroy;
    socket._read = (size: number): void => {
      if (this.readsWanted) read.call(this.socket, size);
    };
    socket._destroy = (error, callback): void => {
      this.retire(() => destroy.call(this.socket!, error, callback));
    };
  }

  /** TLS took the handle (TCPStartTLS): it reads by itself; its wrap's `reading` is not ours to touch. */
  private upgraded = false;

  markUpgraded(): void {
    this.upgraded = true;
  }

  /** node reads the socket (the engine holds the receive lock and needs bytes). */
  startReading(): void {
    if (this.upgraded) return;
    this.readsWanted = true;
    const socket = this.socket;
    if (this.handle.reading !== true && (socket === undefined || (!socket.destroyed && !socket.connecting))) {
      this.handle.reading = true;
      const error = this.handle.readStart();
      if (error !== 0 && error !== undefined) socket?.destroy();
    }
  }

  /** node stops reading; bytes it read before are in our queue or the stream's buffer. */
  stopReading(): void {
    if (this.retired || this.upgraded) return;
    this.readsWanted = false;
    if (this.handle.reading === true) {
      this.handle.reading = false;
      this.handle.readStop();
    }
  }

  /**
   * Reads what the kernel holds now, without waiting, into `push` (TCPAvailable): up to
   * `limit` bytes. Returns 0, or 'end' at the end of the stream, or an error code.
   * Only while the engine holds the receive lock and node is not reading.
   */
  pull(limit: number, push: (chunk: Buffer) => void): number | 'end' {
    let got = 0;
    while (got < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit - got));
      let n: number;
      try {
        n = readSync(this.fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if (isWouldBlock(error)) return 0;
        return codeFromError(error);
      }
      if (n === 0) return 'end';
      push(chunk.subarray(0, n));
      got += n;
      this.pulled += n;
    }
    return 0;
  }

  /**
   * One datagram the kernel holds now, read without waiting (a connected datagram socket's
   * TCPAvailable): its bytes, undefined when none is there, or an error code. Only while
   * the engine holds the receive lock.
   */
  pullDatagram(): Buffer | undefined | number {
    const room = Buffer.allocUnsafe(65_536);
    try {
      const n = readSync(this.fd, room, 0, room.length, null);
      this.pulled += n;
      return Buffer.from(room.subarray(0, n));
    } catch (error) {
      return isWouldBlock(error) ? undefined : codeFromError(error);
    }
  }

  private get fd(): number {
    return this.words[this.base + Direct.Fd]!;
  }

  // ---- locks ------------------------------------------------------------------------------

  get holdsRecv(): boolean {
    if (this.retired) return true; // the engine took both locks for good
    return Atomics.load(this.words, this.base + Direct.RecvLock) === DIRECT_ENGINE;
  }

  /** True when the engine may write for request of slot `slotId` now (it or that caller holds the send lock). */
  mayWrite(slotId: number): boolean {
    if (this.retired) return true;
    const holder = Atomics.load(this.words, this.base + Direct.SendLock);
    return holder === slotId || holder === DIRECT_ENGINE;
  }

  /**
   * The receive lock for the engine, now or (a direct read in progress) when its holder lets
   * go; the callers' read-ahead goes to `absorb` first (it comes before anything the engine reads).
   */
  acquireRecv(then: () => void): void {
    this.acquire(this.base + Direct.RecvLock, () => {
      this.absorbAhead();
      then();
    });
  }

  /** The entry's read-ahead area (src/direct-ahead.ts) and its index (Direct.Area; freed at retire). */
  private readonly area: Buffer;
  private readonly areaIndex: number;
  /** Where the read-ahead goes once the engine holds the receive lock: the front of the stream's queue. */
  private absorb: ((bytes: Buffer) => void) | undefined;

  /** The stream's queue takes the callers' read-ahead whenever the engine takes the receive lock. */
  absorbInto(absorb: (bytes: Buffer) => void): void {
    this.absorb = absorb;
  }

  private absorbAhead(): void {
    if (this.retired) return;
    const word = Atomics.load(this.words, this.base + Direct.Ahead);
    if (word === 0 || this.absorb === undefined) return;
    const start = aheadStart(word);
    this.absorb(Buffer.from(this.area.subarray(start, start + aheadLength(word))));
    Atomics.store(this.words, this.base + Direct.Ahead, 0);
  }

  /** The send lock for the engine, now or when its holder (a direct send) lets go. */
  acquireSend(then: () => void): void {
    this.acquire(this.base + Direct.SendLock, then);
  }

  private acquire(lock: number, then: () => void): void {
    if (this.retired) return then();
    const holder = Atomics.compareExchange(this.words, lock, 0, DIRECT_ENGINE);
    if (holder === 0 || holder === DIRECT_ENGINE) return then();
    const waiters = lock + LOCK_WAITERS_AFTER;
    Atomics.add(this.words, waiters, 1); // so the holder's release notifies
    // In slices: a count made wrong (a new engine cleared the table under a waiting caller)
    // may cost a notify; the engine then finds the lock free at the next slice, never later.
    const wait = Atomics.waitAsync(this.words, lock, holder, 20);
    const retry = (): void => {
      Atomics.sub(this.words, waiters, 1);
      this.acquire(lock, then);
    };
    if (wait.async) void wait.value.then(retry);
    else queueMicrotask(retry);
  }

  /** Lets callers read the descriptor again (the engine holds no unread byte). */
  releaseRecv(): void {
    if (this.retired || this.flag(DirectFlag.Closed) || !this.holdsRecv) return;
    this.stopReading();
    this.setFlag(DirectFlag.Refill, false);
    releaseDirectLock(this.words, this.base + Direct.RecvLock, DIRECT_ENGINE);
  }

  /**
   * Lends callers the next bytes the engine holds: up to AHEAD_BYTES of them go into the
   * (empty: absorbed when the engine took the lock) read-ahead, and the receive lock goes to
   * the callers, who find their next lines there without a round trip here. Bytes left in
   * `queue` set Refill: a caller that empties the read-ahead comes back for them and reads
   * no descriptor meanwhile. Returns false (nothing lent) when it may not.
   */
  lendAhead(queue: ReceiveQueue): boolean {
    if (this.retired || this.flag(DirectFlag.Closed) || !this.holdsRecv || this.absorb === undefined) return false;
    this.stopReading();
    const n = queue.take(this.area, AHEAD_BYTES);
    Atomics.store(this.words, this.base + Direct.Ahead, aheadWord(0, n));
    this.setFlag(DirectFlag.Refill, queue.length > 0);
    releaseDirectLock(this.words, this.base + Direct.RecvLock, DIRECT_ENGINE);
    return true;
  }

  /** Ends the engine's own hold of the send lock (not a caller's). */
  releaseSend(): void {
    if (this.retired || this.flag(DirectFlag.Closed)) return;
    releaseDirectLock(this.words, this.base + Direct.SendLock, DIRECT_ENGINE);
  }

  // ---- shared state -------------------------------------------------------------------------

  // Once retired, the entry may be a newer socket's: nothing here reads or writes its words.
  private setFlag(flag: number, on: boolean): void {
    if (this.retired) return;
    if (on) Atomics.or(this.words, this.base + Direct.Flags, flag);
    else Atomics.and(this.words, this.base + Direct.Flags, ~flag);
  }

  private flag(flag: number): boolean {
    if (this.retired) return (this.finalFlags & flag) !== 0;
    return (Atomics.load(this.words, this.base + Direct.Flags) & flag) !== 0;
  }

  /** The engine holds bytes to send (or a multi-part send is in progress): direct sends must not pass them. */
  set unsent(on: boolean) {
    if (!this.retired) this.setFlag(DirectFlag.Unsent, on);
  }

  set nonBlocking(on: boolean) {
    this.setFlag(DirectFlag.NonBlocking, on);
  }

  set timeoutMs(ms: number) {
    if (this.retired) return;
    Atomics.store(this.words, this.base + Direct.TimeoutMs, ms);
  }

  /** The socket's `encoding`, for direct string sends and Character receives. */
  set encoding(id: number) {
    if (this.retired) return;
    Atomics.store(this.words, this.base + Direct.Encoding, id);
  }

  markFinSent(): void {
    this.setFlag(DirectFlag.FinSent, true);
  }

  markEof(): void {
    this.setFlag(DirectFlag.Eof, true);
  }

  /** End of stream seen by a direct read. */
  get eof(): boolean {
    return this.flag(DirectFlag.Eof);
  }

  /** The connection's failure as a direct call saw it, 0 if none. */
  get failure(): number {
    if (this.retired) return this.finalFailure;
    return Atomics.load(this.words, this.base + Direct.Failure);
  }

  set failure(code: number) {
    if (this.retired) return;
    Atomics.compareExchange(this.words, this.base + Direct.Failure, 0, code);
  }

  /** Bytes moved by direct calls (kept after the entry is given back). */
  get bytesIn(): number {
    return this.pulled + (this.retired ? this.finalIn : this.float[(this.base + Direct.BytesIn) >> 1]!);
  }

  get bytesOut(): number {
    return this.retired ? this.finalOut : this.float[(this.base + Direct.BytesOut) >> 1]!;
  }

  /** Direct reads / writes that moved bytes (TCPStats shows them; tests prove the path with them). */
  get calls(): { reads: number; writes: number } {
    return { reads: Atomics.load(this.words, this.base + Direct.Reads), writes: Atomics.load(this.words, this.base + Direct.Writes) };
  }

  private finalCalls = { reads: 0, writes: 0 };
  /** The entry's flags and failure when it was given back (a newer socket may own the words now). */
  private finalFlags = 0;
  private finalFailure = 0;

  get finalCallCounts(): { reads: number; writes: number } {
    return this.retired ? this.finalCalls : this.calls;
  }

  /**
   * No direct call may start from here on; `then` runs once the engine holds both locks
   * (no caller is inside a system call on the descriptor), with node reading again for
   * whatever the close needs. The entry is given back at that moment.
   */
  retire(then: () => void): void {
    if (this.retired) return then();
    this.setFlag(DirectFlag.Closed, true);
    this.acquireRecv(() =>
      this.acquireSend(() => {
        if (!this.retired) {
          this.finalIn = this.float[(this.base + Direct.BytesIn) >> 1]!;
          this.finalOut = this.float[(this.base + Direct.BytesOut) >> 1]!;
          this.finalCalls = this.calls;
          this.finalFlags = Atomics.load(this.words, this.base + Direct.Flags);
          this.finalFailure = Atomics.load(this.words, this.base + Direct.Failure);
          this.retired = true;
          if (Atomics.load(this.words, this.base + Direct.Socket) === this.number) {
            Atomics.store(this.words, this.base + Direct.Socket, 0);
          }
          if (taken.get(this.number & DIRECT_ENTRY_MASK) === this) taken.delete(this.number & DIRECT_ENTRY_MASK);
          freeAheadArea(this.areaIndex); // (retired: nothing here touches it again; no caller holds the lock)
          this.readsWanted = true;
        }
        then();
      }),
    );
  }

  get isRetired(): boolean {
    return this.retired;
  }

  // ---- eviction (numberForLink) -----------------------------------------------------------

  /** Direct calls and engine requests seen at the last look, and since when they have not changed. */
  private lastActivity = 0;
  private quietFrom = performance.now();
  /** Engine requests on this socket (the stream counts them: `touch`). */
  private engineCalls = 0;

  /** The engine served a request of this socket. */
  touch(): void {
    this.engineCalls++;
  }

  /** Since when (performance.now()) no call used this socket, as far as looks at `now` tell. */
  quietSince(now: number): number {
    const activity = this.engineCalls + Atomics.load(this.words, this.base + Direct.Reads) + Atomics.load(this.words, this.base + Direct.Writes);
    if (activity !== this.lastActivity) {
      this.lastActivity = activity;
      this.quietFrom = now;
    }
    return this.quietFrom;
  }

  /** No caller holds a lock or waits for one: retiring now happens at once. */
  get evictable(): boolean {
    if (this.retired || this.upgraded || this.flag(DirectFlag.Closed)) return false;
    const free = (lock: number): boolean => {
      const holder = Atomics.load(this.words, this.base + lock);
      return holder === 0 || holder === DIRECT_ENGINE;
    };
    return free(Direct.RecvLock) && free(Direct.SendLock) && Atomics.load(this.words, this.base + Direct.RecvLock + LOCK_WAITERS_AFTER) === 0 && Atomics.load(this.words, this.base + Direct.SendLock + LOCK_WAITERS_AFTER) === 0;
  }

  /** What the stream does when its entry is taken from it (it goes on on the engine path). */
  private onEvict: (() => void) | undefined;

  whenEvicted(then: () => void): void {
    this.onEvict = then;
  }

  /**
   * Gives the entry up for a newer connection: retired as for a close (the read-ahead goes
   * to the stream's queue), then node reads for the engine again, and the stream forgets
   * this link (onEvict), so nothing of it touches the entry's words after.
   */
  evict(): void {
    this.retire(() => {
      this.startReading();
      this.onEvict?.();
    });
  }

  /** Retired, or on its way (Closed: no direct call may start, and the engine must not read for itself either). */
  get isClosing(): boolean {
    return this.retired || this.flag(DirectFlag.Closed);
  }
}
