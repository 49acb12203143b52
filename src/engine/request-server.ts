/**
 * serve()'s request handlers, the engine's half: a listener's connections wait here,
 * holding no thread, until they have bytes to read; then they join a FIFO of ready
 * connections, from which pool threads blocked in NextRequest take them one at a time.
 *
 * A connection is in exactly one state:
 *   idle   watched: its bytes make it ready; the peer's close, an error or the idle
 *          time-out close it here (no thread is ever called for that)
 *   ready  has bytes, waits for a thread (in `ready`, first come first served)
 *   busy   a thread's request() has it; it comes back with that thread's next
 *          NextRequest, or never if the handler closed it
 * So one connection is never in two calls at once, and bytes a pipelining client sent
 * beyond what the handler read make it ready again as soon as it is handed back.
 *
 * Draining (the listener stopped accepting: a reload or close of serve({ processes })):
 * nothing changes for ready and busy connections, which are served as before, and an
 * idle one is closed only once it has been idle `drainIdleMs` (or the idle time-out, if
 * shorter). A connection's client may send its next request at any moment; closing it
 * right after an answer would cut that request off, while one idle that long is as safe
 * to close as the idle time-out's (the same race, which any keep-alive client must take).
 */
import { availableParallelism } from 'node:os';
import { ErrorCode } from '../errors.js';
import { Board, BOARD_HAND_BACKS, BOARD_LOOPS, BOARD_RING, NO_BOARD, NO_TIMEOUT, SERVE_BOARDS, serveBoardBase, TEST_HOOKS_ENV } from '../protocol.js';
import { BoardRing } from '../board-ring.js';
import { removeItem } from './list.js';
import { plainAddress } from './plain-address.js';
import type { EngineSlot } from './slot.js';
import type { SocketTable } from './socket-table.js';
import type { StreamSocket } from './stream-socket.js';

type State = 'idle' | 'ready' | 'busy';

/**
 * How many of a server's threads run at once before a connection that becomes ready waits
 * for one of them instead of waking a parked one (wakeWanted): the cores, or
 * TCP_COMMANDS_RUNNING_THREADS=N.
 */
const RUNNING_THREADS = positiveSetting(process.env.TCP_COMMANDS_RUNNING_THREADS) ?? availableParallelism();
/**
 * How long a ready connection left for the running threads waits at most before a parked
 * thread is woken for it (ms). Longer only for the tests (TCP_COMMANDS_TEST_LATE_WAKE_MS,
 * with the test hooks on: test/serve-wake-policy.test.ts).
 */
const LATE_WAKE_MS = (process.env[TEST_HOOKS_ENV] === '1' ? positiveSetting(process.env.TCP_COMMANDS_TEST_LATE_WAKE_MS) : undefined) ?? 1;

function positiveSetting(text: string | undefined): number | undefined {
  const value = Number.parseInt(text ?? '', 10);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Servers with a board: their threads' hand-backs are taken whenever the engine wakes (takeHandBacks). */
const withBoards = new Set<RequestServer>();

/** Takes every board's handed-back connections (the engine's request ring calls it after each batch). */
export function takeHandBacks(): void {
  for (const server of withBoards) server.takeHandBacks();
}

/** Boards in use, per registry (one engine per registry), and where the next search starts. */
const boardsTaken = new WeakMap<Int32Array, { taken: Set<number>; next: number }>();

/**
 * A free board for listener `owner`, NO_BOARD when all are taken. Boards are handed out in
 * turn, not lowest first: a closed server's loops may still run for a while (close() waits
 * for them), and its board is reused only after every other has been; each loop also checks
 * the board's Owner word before it touches the ring or its hand-back words.
 */
function takeBoard(registry: Int32Array, owner: number): number {
  let boards = boardsTaken.get(registry);
  if (boards === undefined) boardsTaken.set(registry, (boards = { taken: new Set(), next: 0 }));
  for (let i = 0; i < SERVE_BOARDS; i++) {
    const board = (boards.next + i) % SERVE_BOARDS;
    if (boards.taken.has(board)) continue;
    boards.taken.add(board);
    boards.next = (board + 1) % SERVE_BOARDS;
    registry.fill(0, serveBoardBase(board), serveBoardBase(board + 1));
    Atomics.store(registry, serveBoardBase(board) + Board.Owner, owner);
    return board;
  }
  return NO_BOARD;
}

interface Served {
  readonly number: number;
  readonly stream: StreamSocket;
  state: State;
  idleTimer: NodeJS.Timeout | undefined;
  /** When it last became idle (performance.now()). */
  idleSince: number;
}

/** Closes a connection the way TCPClose does (ops/close.ts), given to us to avoid a cycle. */
export type CloseConnection = (number: number, stream: StreamSocket, option: number) => void;

export class RequestServer {
  /** Connections handed out and not yet back, by number (a thread hands back a number). */
  private readonly busy = new Map<number, Served>();
  /** Connections put in the board's ring: ready until a thread takes one (it does not say), then busy. */
  private readonly ringed = new Map<number, Served>();
  private readonly ready: Served[] = [];
  /** NextRequest calls parked until a connection is ready. */
  private readonly takers: EngineSlot[] = [];
  private readonly idle = new Set<Served>();
  private closed = false;
  private draining = false;
  handshakeFailures = 0;
  /** Connections that arrived (after their TLS handshake, if any). */
  private arrived = 0;

  /** This server's board (protocol.ts Board): its ready and parked counts, for the threads to read. */
  readonly board: number;

  constructor(
    private readonly registry: Int32Array,
    /** The listening socket's number (the board's Owner). */
    owner: number,
    private readonly table: SocketTable,
    private readonly closeConnection: CloseConnection,
    /** ms a connection may stay idle between requests, or NO_TIMEOUT. */
    private readonly idleTimeoutMs: number,
    /** While draining: ms an idle connection is kept before it is closed, or NO_TIMEOUT. */
    private readonly drainIdleMs: number,
    /** The server's loops (one per pool thread; 0: not known, every parked thread may be woken). */
    private readonly loops = 0,
  ) {
    this.board = takeBoard(registry, owner);
    this.base = this.board === NO_BOARD ? -1 : serveBoardBase(this.board);
    this.ring = this.board === NO_BOARD ? undefined : new BoardRing(registry, this.board);
    if (this.board !== NO_BOARD) withBoards.add(this);
  }

  /** The board's first word, -1 without one. */
  private readonly base: number;
  /** The board's ring of ready connections (undefined without a board). */
  private readonly ring: BoardRing | undefined;

  /** Connections in the board's ring, not yet taken by a thread. */
  private get inRing(): number {
    return this.ring?.size ?? 0;
  }

  /** Publishes the ready and parked counts on the board. */
  private publish(): void {
    if (this.base < 0) return;
    Atomics.store(this.registry, this.base + Board.Ready, this.ready.length);
    Atomics.store(this.registry, this.base + Board.Parked, this.takers.length);
  }

  /**
   * Puts a ready connection in the board's ring, where a thread that has finished a request
   * takes it without a call here (src/server/request-calls.ts takeReady); false when the
   * ring is full (or there is no board).
   */
  private putInRing(served: Served): boolean {
    const { remoteAddress, remotePort } = served.stream.socket;
    const address = plainAddress(remoteAddress ?? served.stream.unixAddress ?? '');
    if (this.ring?.put(served.number, remotePort ?? 0, address) !== true) return false;
    served.state = 'ready';
    this.ringed.set(served.number, served);
    return true;
  }

  /**
   * Whether a connection that just became ready should wake a parked thread, or wait in
   * the ring for a running one. Threads that are not parked here are running handlers (or
   * looking for a keep-alive request); as many as there are cores keep every core busy, and
   * waking one more only makes it take a core from one of them (and costs two switches),
   * so the connection waits in the ring for the first of them to finish (issue 27: 4
   * threads on 2 cores were 0.84x 2 threads, 0.70 switches per request against 0.43). A
   * running thread may be blocked in a slow call instead: the late wake (armLateWake)
   * bounds that wait.
   */
  private wakeWanted(): boolean {
    if (this.takers.length === 0) return false;
    // (Without a ring, nothing is left for a running thread to take: wake.)
    return this.ring === undefined || this.loops === 0 || this.loops - this.takers.length < RUNNING_THREADS;
  }

  /** The pending late wake (one per server), and the ring's put count when it was armed. */
  private lateWake: NodeJS.Timeout | undefined;
  private lateMark = 0;

  /**
   * A connection waits in the ring while threads are parked: if it is still there in
   * LATE_WAKE_MS (the running threads are all in slow requests), a parked thread gets it.
   */
  private armLateWake(): void {
    if (this.lateWake !== undefined || this.closed || this.ring === undefined) return;
    this.lateMark = this.ring.puts;
    this.lateWake = setTimeout(() => {
      this.lateWake = undefined;
      this.wakeForLate();
    }, LATE_WAKE_MS);
  }

  /**
   * The late wake: the ring's entries put before it was armed and still there have waited
   * LATE_WAKE_MS at least; each goes to a parked thread, oldest first, as far as there are
   * parked threads, and then those beyond the ring (its queue, newer than the ring's, and
   * rare: a full ring, an address too long for an entry). Entries put since wait for the
   * next late wake.
   */
  private wakeForLate(): void {
    if (this.closed || this.ring === undefined) return;
    const mark = this.lateMark; // (the hand-backs below may arm the next late wake, with a new mark)
    this.takeHandBacks();
    let late = (mark - this.ring.taken) | 0;
    while (late > 0 && this.takers.length > 0) {
      const served = this.takeFromRing();
      if (served === undefined) break;
      late--;
      if (this.table.get(served.number) !== served.stream) continue; // closed meanwhile by someone else
      this.handOut(served, this.takers.shift()!);
    }
    while (this.takers.length > 0 && this.ready.length > 0) {
      const served = this.ready.shift()!;
      if (this.table.get(served.number) !== served.stream) continue;
      this.handOut(served, this.takers.shift()!);
    }
    this.refillRing();
    this.publish();
    if ((this.inRing > 0 || this.ready.length > 0) && this.takers.length > 0) this.armLateWake();
  }

  /** Takes the ring's oldest connection here (NextRequest, release), racing the threads fairly. */
  private takeFromRing(): Served | undefined {
    if (this.ring === undefined) return undefined;
    for (;;) {
      const number = this.ring.takeSocket();
      if (number === 0) return undefined;
      const served = this.ringed.get(number);
      if (served === undefined) continue; // closed while in the ring
      this.ringed.delete(number);
      return served;
    }
  }

  /**
   * Moves connections waiting here into the ring as it has room, in order (one that cannot
   * go there, its address too long for an entry, stays first for a NextRequest), and
   * publishes the new count.
   */
  private refillRing(): void {
    let moved = false;
    while (this.ready.length > 0 && this.inRing < BOARD_RING) {
      const served = this.ready[0]!;
      if (this.table.get(served.number) === served.stream && !this.putInRing(served)) break;
      this.ready.shift();
      moved = true;
    }
    if (moved) this.publish();
  }

  /** The loops' hand-back words: each connection there goes back to the watch. */
  takeHandBacks(): void {
    if (this.base < 0) return;
    let taken = 0;
    // (It runs at every wake of the engine: one load when nothing was handed back. The
    // count is taken whole, never lowered: a word filled after the scan comes with a new
    // count and the doorbell; a count left from a word already taken costs one more scan.)
    const posted = this.base + Board.HandBacksPosted;
    if (Atomics.load(this.registry, posted) !== 0 && Atomics.exchange(this.registry, posted, 0) !== 0) {
      for (let i = 0; i < BOARD_LOOPS * BOARD_HAND_BACKS; i++) {
        const word = this.base + Board.HandBack + i;
        if (Atomics.load(this.registry, word) === 0) continue;
        const number = Atomics.exchange(this.registry, word, 0);
        if (number !== 0) {
          this.handBack(number);
          taken++;
        }
      }
    }
    this.refillRing();
    if (taken > 0) this.publish();
  }

  /** Connection `number` comes back from a thread: watched again (unless its handler closed it). */
  private handBack(number: number): void {
    const served = this.busy.get(number) ?? this.ringed.get(number);
    if (served === undefined) return;
    this.busy.delete(number);
    this.ringed.delete(number);
    // Closed by its handler (TCPClose): the table no longer has it; nothing to watch.
    if (this.table.get(served.number) === served.stream) this.watch(served);
  }

  /** A new connection (after its TLS handshake): numbered, then watched. */
  arrive(stream: StreamSocket): void {
    if (this.closed) return stream.release(2);
    this.arrived++;
    const served: Served = { number: this.table.add(stream), stream, state: 'busy', idleTimer: undefined, idleSince: 0 };
    stream.watcher = () => {
      if (served.state === 'idle') this.check(served);
    };
    // A busy connection closed by someone else than its handler's thread (serve() closes
    // the connection of a thread that died) is never handed back: forget it then.
    stream.socket.once('close', () => {
      if (this.table.get(served.number) !== stream) {
        this.busy.delete(served.number);
        this.ringed.delete(served.number);
      }
    });
    this.watch(served);
  }

  /** NextRequest: hand back connection `arg0` (if any), then take the next ready one or park. */
  next(slot: EngineSlot): void {
    if (slot.arg0 !== 0) this.handBack(slot.arg0);
    this.takeHandBacks();
    if (this.closed) return slot.reply(ErrorCode.ConnectionAborted);
    for (;;) {
      const served = this.takeFromRing() ?? this.ready.shift();
      if (served === undefined) break;
      if (this.table.get(served.number) !== served.stream) continue; // closed meanwhile by someone else
      this.refillRing();
      this.publish();
      return this.handOut(served, slot);
    }
    this.takers.push(slot);
    this.publish();
    slot.park(NO_TIMEOUT, () => {
      removeItem(this.takers, slot);
      this.publish();
    });
  }

  /** "idle ready handshakeFailures arrived", for RequestCounts. */
  counts(): string {
    return `${this.idle.size} ${this.inRing + this.ready.length} ${this.handshakeFailures} ${this.arrived}`;
  }

  /**
   * The listener stopped taking connections (its process drains): idle connections are
   * closed once idle `drainIdleMs`, counted from when each became idle.
   */
  drain(): void {
    if (this.draining || this.closed) return;
    this.draining = true;
    for (const served of this.idle) this.armIdleTimer(served);
  }

  /** The listener closed: takers wake with -10053; connections not in a call are closed. */
  release(): void {
    this.closed = true;
    if (this.lateWake !== undefined) clearTimeout(this.lateWake);
    if (this.base >= 0) Atomics.store(this.registry, this.base + Board.Owner, 0); // its loops stop using the board
    for (const slot of this.takers.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const served of this.ready.splice(0)) this.close(served, 0);
    for (let served = this.takeFromRing(); served !== undefined; served = this.takeFromRing()) this.close(served, 0);
    for (const served of [...this.idle]) this.close(served, 0);
    this.takeHandBacks(); // (closed: each is closed by watch)
    this.publish();
    withBoards.delete(this);
    if (this.board !== NO_BOARD) boardsTaken.get(this.registry)?.taken.delete(this.board);
  }

  /** Watches a connection that no call has: ready at once if it has bytes already. */
  private watch(served: Served): void {
    if (this.closed) return this.close(served, 0);
    served.state = 'idle';
    served.idleSince = performance.now();
    this.idle.add(served);
    served.stream.watchForRequest(true); // with direct calls, node reads only while asked to
    // Its watcher may have run in there already (and handed it out): check it once only.
    if (served.state !== 'idle' || this.check(served)) return;
    this.armIdleTimer(served);
  }

  /** (Re)starts an idle connection's timer: the idle time-out, or while draining the shorter of it and drainIdleMs. */
  private armIdleTimer(served: Served): void {
    if (served.idleTimer !== undefined) clearTimeout(served.idleTimer);
    served.idleTimer = undefined;
    const limits = [this.idleTimeoutMs, this.draining ? this.drainIdleMs : NO_TIMEOUT].filter((ms) => ms !== NO_TIMEOUT);
    if (limits.length === 0) return;
    const left = served.idleSince + Math.min(...limits) - performance.now();
    served.idleTimer = setTimeout(() => {
      if (served.state === 'idle') this.close(served, 0);
    }, Math.max(0, left));
  }

  /** An idle connection with news: ready (bytes), or closed (peer gone). True when it left idle. */
  private check(served: Served): boolean {
    if (served.stream.bytesQueued > 0) {
      this.leaveIdle(served);
      const taker = this.wakeWanted() ? this.takers.shift() : undefined;
      if (taker !== undefined) this.handOut(served, taker);
      else {
        if (this.ready.length > 0 || !this.putInRing(served)) {
          served.state = 'ready';
          this.ready.push(served);
        }
        if (this.takers.length > 0) this.armLateWake(); // left for a running thread
      }
      this.publish();
      return true;
    }
    if (served.stream.finished) {
      this.close(served, 0);
      return true;
    }
    return false;
  }

  private leaveIdle(served: Served): void {
    if (served.state !== 'idle') return;
    this.idle.delete(served);
    served.stream.watchForRequest(false);
    if (served.idleTimer !== undefined) clearTimeout(served.idleTimer);
    served.idleTimer = undefined;
  }

  private handOut(served: Served, slot: EngineSlot): void {
    served.state = 'busy';
    this.busy.set(served.number, served);
    const { remoteAddress, remotePort } = served.stream.socket;
    slot.replyText(served.number, plainAddress(remoteAddress ?? served.stream.unixAddress ?? ''), remotePort ?? 0);
  }

  private close(served: Served, option: number): void {
    this.leaveIdle(served);
    served.state = 'busy'; // out of every list: nothing will hand it out again
    served.stream.watcher = undefined;
    if (this.table.get(served.number) === served.stream) this.closeConnection(served.number, served.stream, option);
  }
}
