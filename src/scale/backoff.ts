/**
 * How long to wait before restarting a serving process that died: 100 ms, doubling with
 * each death in a row up to 10 s, so a handler that kills its process at once does not
 * make the supervisor spin; a process that lived STABLE_MS before dying starts the count
 * again.
 */
const FIRST_MS = 100;
const MAX_MS = 10_000;
const STABLE_MS = 10_000;

export class RestartBackoff {
  private deathsInARow = 0;

  /** The delay before the restart of a process that started at `startedAt` and died now. */
  next(startedAt: number): number {
    if (Date.now() - startedAt >= STABLE_MS) this.deathsInARow = 0;
    const delay = Math.min(MAX_MS, FIRST_MS * 2 ** this.deathsInARow);
    this.deathsInARow++;
    return delay;
  }
}
