/**
 * serve()'s restarts of loops whose thread died: a new thread at once for a first death,
 * then with a growing delay while deaths keep coming (a handler that kills its thread on
 * every connection, a module that stopped loading), so a broken handler cannot make the
 * server spin up threads in a tight loop (the delays: src/backoff.ts). The log says so once
 * per burst: the first death with its reason, then, when the burst is over, how many more
 * there were.
 */
import { Backoff } from '../backoff.js';

/** Deaths further apart than this are separate bursts. */
const QUIET_MS = 10_000;

export class RestartBackoff {
  private readonly delays = new Backoff({ firstMs: 100, maxMs: 5_000, firstIsFree: true });
  private unreported = 0;
  private lastDeath = 0;
  private summary: NodeJS.Timeout | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** A loop's thread died with `reason`: the delay before its replacement starts, ms. */
  died(reason: string): number {
    const now = Date.now();
    const burstStarts = now - this.lastDeath > QUIET_MS;
    if (burstStarts) this.flush();
    this.lastDeath = now;
    const delay = this.delays.next(burstStarts);
    if (this.delays.inARow === 1) {
      this.log(`serve: a handler's thread died: ${reason}; starting another (restarts back off while deaths continue)`);
    } else {
      this.unreported++;
      clearTimeout(this.summary);
      this.summary = setTimeout(() => this.flush(), QUIET_MS);
      this.summary.unref();
    }
    return delay;
  }

  /** Reports the burst's deaths not logged yet (also at close). */
  flush(): void {
    clearTimeout(this.summary);
    this.summary = undefined;
    if (this.unreported === 0) return;
    this.log(`serve: ${this.unreported} more handler thread(s) died in that burst; each was restarted`);
    this.unreported = 0;
  }
}
