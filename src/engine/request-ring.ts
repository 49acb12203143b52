/**
 * The engine's side of the doorbell: take the requests callers put in the registry's
 * ring and dispatch them; then wait for the doorbell, first by spinning briefly, then
 * with Atomics.waitAsync on the event loop.
 *
 * Why spin: a caller in a loop (bulk send or receive, request/response) posts its next
 * request a few microseconds after its reply. An engine asleep in the event loop takes
 * tens of microseconds to wake (an async notification, then a wake-up in the kernel);
 * spinning catches the next request at once. The spin adapts: it doubles while it
 * catches requests and halves while it does not, so an idle engine stops spinning, and
 * it never holds the event loop (socket I/O, timers) for longer than YIELD_AFTER_MS.
 */
import { debugEvent } from '../diagnostics/debug-log.js';
import { Reg, ringEntry } from '../protocol.js';
import type { EngineSlot } from './slot.js';

/** Longest spin after a batch, and the shortest worth trying. */
const SPIN_MAX_MS = 0.05;
const SPIN_MIN_MS = 0.005;
/** Longest stretch of serving and spinning before the event loop gets its turn. */
const YIELD_AFTER_MS = 1;
/**
 * How long an entry may stay uncommitted while later ones wait. A caller is between
 * taking a position and committing it for nanoseconds; one that died right there (a
 * terminated worker) would otherwise hold up every request behind it for good.
 */
const STUCK_ENTRY_MS = 100;

export class RequestRing {
  private head: number;
  private spinMs = 0;
  private lastServed = 0;
  /** The position found uncommitted with later entries waiting, and since when. */
  private stuckPosition = 0;
  private stuckSince = -1;
  /** A request served in this batch will be answered by a deferred callback: no spin now. */
  private replyDeferred = false;

  constructor(
    private readonly registry: Int32Array,
    private readonly slot: (id: number) => EngineSlot | undefined,
    private readonly dispatch: (slot: EngineSlot) => void,
    /** Runs after each batch: work callers post without a slot (serve()'s hand-backs, request-server.ts). */
    private readonly afterBatch: () => void = () => {},
  ) {
    // Requests still in the ring from a previous engine belong to dead slots: start after them.
    this.head = Atomics.load(registry, Reg.RingTail);
  }

  /** Serves until the ring is empty and the doorbell quiet, then re-arms itself. */
  readonly serve = (): void => {
    const registry = this.registry;
    const started = performance.now();
    if (this.lastServed !== 0 && started - this.lastServed < SPIN_MAX_MS * 4) {
      // Woken soon after the last batch: requests come fast enough to be worth a spin.
      this.spinMs = Math.max(this.spinMs, SPIN_MIN_MS);
    }
    for (;;) {
      const seen = Atomics.load(registry, Reg.Doorbell);
      this.drain();
      this.afterBatch();
      const now = performance.now();
      this.lastServed = now;
      if (now - started > YIELD_AFTER_MS || this.replyDeferred) {
        // Sockets and timers first (and a reply node deferred to process.nextTick, which a
        // spin here would hold back until it ended: tens of microseconds per request); then on.
        this.replyDeferred = false;
        setImmediate(this.serve);
        return;
      }
      if (this.spinMs > 0 && this.spin(seen, now)) continue;
      // Waiting on a stuck entry: look again in a while even if nobody rings.
      const timeout = this.stuckSince >= 0 ? STUCK_ENTRY_MS : Infinity;
      const wait = Atomics.waitAsync(registry, Reg.Doorbell, seen, timeout);
      if (wait.async) {
        void wait.value.then(this.serve);
        return;
      }
    }
  };

  /** A spin for a request expected soon is queued (expectRequest). */
  private expectScheduled = false;

  /**
   * A reply just went out from an I/O callback (a datagram handed to a parked receive): its
   * caller's next request usually follows within microseconds, while the ring sleeps in
   * the event loop, whose wake-up costs tens of them (measured: UDPSendTo after a
   * UDPReceiveFrom took 55 us, alone 18 us). After the callback, the ring spins for it as
   * it does after a batch of its own, with the same learned length.
   */
  readonly expectRequest = (): void => {
    if (this.expectScheduled) return;
    this.expectScheduled = true;
    queueMicrotask(this.spinForExpected);
  };

  private readonly spinForExpected = (): void => {
    this.expectScheduled = false;
    this.spinMs = Math.max(this.spinMs, SPIN_MIN_MS);
    const seen = Atomics.load(this.registry, Reg.Doorbell);
    if (this.spin(seen, performance.now())) {
      this.drain();
      this.afterBatch();
    }
  };

  /**
   * Serves the requests waiting now, from inside another callback (a datagram's arrival):
   * under a flood, node's reads come in runs of callbacks that would otherwise hold every
   * request back until the run ends (datagram-socket.ts). No spin, no re-arming: the
   * doorbell's wait, if armed, finds the ring empty later and waits again.
   */
  readonly serveWaiting = (): void => {
    if (((Atomics.load(this.registry, Reg.RingTail) - this.head) | 0) > 0) this.drain();
  };

  private drain(): void {
    const registry = this.registry;
    for (;;) {
      const entry = ringEntry(this.head);
      if (Atomics.load(registry, entry + 1) !== this.head && !this.skipIfStuck()) return; // not committed yet
      this.stuckSince = -1;
      const id = Atomics.load(registry, entry);
      this.head = (this.head + 1) | 0;
      const slot = this.slot(id);
      if (slot !== undefined && slot.begin()) {
        this.dispatch(slot);
        if (slot.busy && slot.replyDeferred) this.replyDeferred = true;
      }
    }
  }

  /** For an uncommitted entry at the head: true when it is given up on (see STUCK_ENTRY_MS). */
  private skipIfStuck(): boolean {
    const waiting = (Atomics.load(this.registry, Reg.RingTail) - this.head) | 0;
    if (waiting <= 1) {
      this.stuckSince = -1;
      return false;
    }
    const now = performance.now();
    if (this.stuckSince < 0 || this.stuckPosition !== this.head) {
      this.stuckPosition = this.head;
      this.stuckSince = now;
      return false;
    }
    if (now - this.stuckSince < STUCK_ENTRY_MS) return false;
    debugEvent('skipped ring entries', `request ring entry ${this.head} never committed; skipped`);
    // Read as not committed: the slot id word is whatever it is; mark it so it is never taken.
    Atomics.store(this.registry, ringEntry(this.head), 0);
    return true;
  }

  /** Spins on the doorbell; true when it rang. Adjusts the next spin's length. */
  private spin(seen: number, from: number): boolean {
    const registry = this.registry;
    const until = from + this.spinMs;
    for (let i = 0; ; i++) {
      if (Atomics.load(registry, Reg.Doorbell) !== seen) {
        this.spinMs = Math.min(SPIN_MAX_MS, this.spinMs * 2);
        return true;
      }
      if ((i & 63) === 63 && performance.now() > until) break;
    }
    this.spinMs = this.spinMs / 2 < SPIN_MIN_MS ? 0 : this.spinMs / 2;
    return false;
  }
}
