/**
 * Delays before restarting something that keeps dying (a serve() loop's thread, a serving
 * process): doubling from `firstMs` up to `maxMs` while the deaths come in a row, so a
 * handler that kills what runs it at once cannot make its supervisor spin; a death that
 * ends a quiet spell (the caller says what quiet means) starts the count again.
 */
export interface BackoffDelays {
  firstMs: number;
  maxMs: number;
  /** The first death of a series is restarted at once (delay 0); the doubling starts after it. */
  firstIsFree?: boolean;
}

export class Backoff {
  private deathsInARow = 0;

  constructor(private readonly delays: BackoffDelays) {}

  /** Counts a death (the first of a new series when `freshSeries`); the delay before the restart, ms. */
  next(freshSeries: boolean): number {
    if (freshSeries) this.deathsInARow = 0;
    this.deathsInARow++;
    const free = this.delays.firstIsFree === true ? 1 : 0;
    if (this.deathsInARow <= free) return 0;
    return Math.min(this.delays.maxMs, this.delays.firstMs * 2 ** (this.deathsInARow - 1 - free));
  }

  /** Deaths of the current series, the last one counted. */
  get inARow(): number {
    return this.deathsInARow;
  }
}
