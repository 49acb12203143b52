/**
 * Finding a delimiter in the receive queue where the bytes are: in the chunks node:net
 * delivered, without joining them. Each chunk is searched natively (Buffer.indexOf); a
 * delimiter split across chunks is found by searching the few bytes around each seam.
 */

/**
 * The end (exclusive) of the first `delimiter` that lies entirely within the first
 * `within` unread bytes, or -1. `chunks[0]` starts `offset` bytes in.
 */
export function delimiterEnd(chunks: readonly Buffer[], offset: number, delimiter: Uint8Array, within: number): number {
  const size = delimiter.length;
  if (size === 0 || within < size) return -1;
  /** The last (at most) size-1 bytes before the current chunk. */
  let carry: Buffer = Buffer.alloc(0);
  let position = 0; // stream position of the current chunk's first unread byte
  for (let i = 0; i < chunks.length && position < within; i++) {
    const chunk = i === 0 ? chunks[0]!.subarray(offset) : chunks[i]!;
    const segment = chunk.subarray(0, Math.min(chunk.length, within - position));
    if (carry.length > 0) {
      // Delimiters that start in the carry and end in this segment.
      const seam = Buffer.concat([carry, segment.subarray(0, size - 1)]);
      const at = seam.indexOf(delimiter);
      if (at >= 0 && at < carry.length) return position - carry.length + at + size;
    }
    const at = segment.indexOf(delimiter);
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
