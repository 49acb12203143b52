/**
 * Finding a delimiter in the receive queue where the bytes are: in the chunks node:net
 * delivered, without joining them. Each chunk is searched natively (Buffer.indexOf); a
 * delimiter split across chunks is found by searching the few bytes around each seam.
 *
 * In an encoding of 2-byte code units (UTF-16) a match counts only where a code unit
 * starts (`unit` 2): "\n" in UTF-16LE is 0a 00, which also lies across the characters
 * U+0A41 U+4E00 (41 0a | 00 4e). `phase` is how many bytes the line had before the first
 * unread one (a Character read's held bytes), so that units count from the line's start.
 */

/**
 * The end (exclusive) of the first `delimiter` that lies entirely within the first
 * `within` unread bytes and starts at a multiple of `unit` bytes from the line's start
 * (`phase` bytes before the first unread one), or -1. `chunks[0]` starts `offset` bytes in.
 */
export function delimiterEnd(
  chunks: readonly Buffer[],
  offset: number,
  delimiter: Uint8Array,
  within: number,
  unit = 1,
  phase = 0,
): number {
  const size = delimiter.length;
  if (size === 0 || within < size) return -1;
  const aligned = (position: number): boolean => (phase + position) % unit === 0;
  /** The last (at most) size-1 bytes before the current chunk. */
  let carry: Buffer = Buffer.alloc(0);
  let position = 0; // stream position of the current chunk's first unread byte
  for (let i = 0; i < chunks.length && position < within; i++) {
    const chunk = i === 0 ? chunks[0]!.subarray(offset) : chunks[i]!;
    const segment = chunk.subarray(0, Math.min(chunk.length, within - position));
    if (carry.length > 0) {
      // Delimiters that start in the carry and end in this segment.
      const seam = Buffer.concat([carry, segment.subarray(0, size - 1)]);
      const at = firstAligned(seam, delimiter, position - carry.length, carry.length, aligned);
      if (at >= 0) return position - carry.length + at + size;
    }
    const at = firstAligned(segment, delimiter, position, segment.length, aligned);
    if (at >= 0) return position + at + size;
    if (size > 1) {
      carry = segment.length >= size - 1
        ? segment.subarray(segment.length - (size - 1))
        : Buffer.concat([carry, segment]).subarray(-(size - 1));
    }
    position += segment.length;
  }
  return -1;
}

/**
 * The index of the first `needle` in `haystack` that starts before `before` at an aligned
 * stream position (`haystack` starts at stream position `start`), or -1.
 */
function firstAligned(
  haystack: Buffer,
  needle: Uint8Array,
  start: number,
  before: number,
  aligned: (position: number) => boolean,
): number {
  for (let from = 0; ; ) {
    const at = haystack.indexOf(needle, from);
    if (at < 0 || at >= before) return -1;
    if (aligned(start + at)) return at;
    from = at + 1;
  }
}
