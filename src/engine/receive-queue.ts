/**
 * Bytes a socket has received and nobody has read yet, as the chunks node:net delivered
 * them (no copying on arrival). Reads copy straight from the chunks into the reader's
 * shared data area.
 */
import { delimiterEnd } from './delimiter-search.js';

export class ReceiveQueue {
  private readonly chunks: Buffer[] = [];
  /** Bytes of chunks[0] already read. */
  private offset = 0;
  /** Total unread bytes. */
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  clear(): void {
    this.chunks.length = 0;
    this.offset = 0;
    this.length = 0;
  }

  /** Moves up to `max` bytes into `target` from its start; returns the count. */
  take(target: Uint8Array, max: number): number {
    let wanted = Math.min(max, this.length, target.length);
    let written = 0;
    while (wanted > 0) {
      const chunk = this.chunks[0]!;
      const available = chunk.length - this.offset;
      const n = Math.min(available, wanted);
      target.set(chunk.subarray(this.offset, this.offset + n), written);
      written += n;
      wanted -= n;
      if (n === available) {
        this.chunks.shift();
        this.offset = 0;
      } else {
        this.offset += n;
      }
    }
    this.length -= written;
    return written;
  }

  /** The unread byte at position `index` (0 = next to be read). */
  byteAt(index: number): number {
    let i = index + this.offset;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    return 0;
  }

  /**
   * How many of the first `n` unread bytes end on a whole UTF-8 character: `n` itself, or
   * less when the n-th byte cuts a multi-byte character (which then stays queued for the
   * next read). 0 means not even the first character is whole within `n` bytes.
   */
  wholeCharacters(n: number): number {
    if (n <= 0) return 0;
    let start = n - 1;
    // Walk back over at most three continuation bytes (10xxxxxx) to the lead byte.
    for (let back = 0; start > 0 && back < 3 && (this.byteAt(start) & 0xc0) === 0x80; back++) start--;
    const lead = this.byteAt(start);
    const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return start + size <= n ? n : start;
  }

  /**
   * The end (exclusive) of the first `delimiter` within the first `within` unread bytes,
   * starting on a code unit of `unit` bytes counted from `phase` bytes before them, or -1
   * (delimiter-search.ts).
   */
  indexOf(delimiter: Uint8Array, within: number, unit = 1, phase = 0): number {
    return delimiterEnd(this.chunks, this.offset, delimiter, Math.min(within, this.length), unit, phase);
  }

  /** Puts bytes back in front of the unread ones (a read that took more than it could use). */
  putBack(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.offset > 0) {
      this.chunks[0] = this.chunks[0]!.subarray(this.offset);
      this.offset = 0;
    }
    this.chunks.unshift(bytes);
    this.length += bytes.length;
  }
}
