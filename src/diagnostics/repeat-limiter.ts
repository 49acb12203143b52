/**
 * Keeps a repeated log line from flooding its output: per kind of event, the first
 * `burst` lines of a window are written as they come; the rest are only counted, and one
 * line at the end of the window says how many there were ("1,204 more handshake failures
 * in the last 10 s"). A garbage-hello flood that failed 8,693 handshakes in 3 s wrote
 * 8,693 lines before; now it writes at most `burst` + 1 per window.
 */
export const REPEAT_WINDOW_MS = 10_000;
export const REPEAT_BURST = 5;

interface Window {
  written: number;
  suppressed: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class RepeatLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly windowMs = REPEAT_WINDOW_MS,
    private readonly burst = REPEAT_BURST,
  ) {}

  /** Writes `line` for an event of kind `kind` (a plural noun: 'handshake failures'), or counts it. */
  line(kind: string, line: string): void {
    let window = this.windows.get(kind);
    if (window === undefined) {
      window = { written: 0, suppressed: 0, timer: undefined };
      this.windows.set(kind, window);
      // The window's end writes the summary; unref'd, so that logging never keeps a thread alive.
      window.timer = setTimeout(() => this.close(kind), this.windowMs);
      window.timer.unref?.();
    }
    if (window.written < this.burst) {
      window.written++;
      this.write(line);
    } else {
      window.suppressed++;
    }
  }

  private close(kind: string): void {
    const window = this.windows.get(kind);
    this.windows.delete(kind);
    if (window === undefined || window.suppressed === 0) return;
    const seconds = Math.round(this.windowMs / 100) / 10;
    this.write(`${window.suppressed.toLocaleString('en-US')} more ${kind} in the last ${seconds} s`);
  }
}
