// Reading text lines from a socket in blocking style: TCPReceive returns whatever has
// arrived (part of a line, or several), so the rest is kept for the next call.
import { TCPReceive } from 'tcp-commands';

export class LineReader {
  private pending = '';
  private readonly holder = { value: '' };

  constructor(private readonly socket: number) {}

  /** The next line without its CR/LF; null when the peer closed (or an error code < 0). */
  readLine(): string | null | number {
    for (;;) {
      const end = this.pending.indexOf('\n');
      if (end >= 0) {
        const line = this.pending.slice(0, end).replace(/\r$/, '');
        this.pending = this.pending.slice(end + 1);
        return line;
      }
      const n = TCPReceive(this.socket, this.holder);
      if (n < 0) return n;
      if (n === 0) return null;
      this.pending += this.holder.value; // a Character field: never split inside a character
    }
  }
}
