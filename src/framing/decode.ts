/** Bytes to values, as a format says (format.ts); reads through a `read(n)` of exact sizes. */
import { type FormatItem, NUMBER_SIZES } from './format.js';

/** Reads exactly n bytes, or fewer at the end of the stream, or gives an error code. */
export type ReadExactly = (n: number) => Uint8Array | number;

/** The values; 0 if the stream ended before the first byte; -1030 if it ended inside; another error code as read gave it. */
export function decodeValues(items: FormatItem[], read: ReadExactly, incomplete: number): unknown[] | number {
  const values: unknown[] = [];
  let first = true;
  const exactly = (n: number): Buffer | number => {
    const bytes = read(n);
    if (typeof bytes === 'number') return bytes;
    if (bytes.length < n) return first && bytes.length === 0 ? 0 : incomplete;
    first = false;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  };
  for (const { kind, count, littleEndian } of items) {
    const size = NUMBER_SIZES[kind];
    if (size !== undefined) {
      const block = exactly(size * count);
      if (typeof block === 'number') return block;
      for (let k = 0; k < count; k++) values.push(readNumber(block, k * size, size, kind, littleEndian));
    } else if (kind === 'x') {
      const skipped = exactly(count);
      if (typeof skipped === 'number') return skipped;
    } else if (kind === 'r') {
      const block = exactly(count);
      if (typeof block === 'number') return block;
      values.push(new Uint8Array(block));
    } else if (kind === 's' || kind === 'A') {
      const block = exactly(count);
      if (typeof block === 'number') return block;
      const text = block.toString('utf8');
      values.push(kind === 'A' ? text.replace(/ +$/, '') : text.replace(/\0+$/, ''));
    } else {
      for (let k = 0; k < count; k++) {
        const bytes: number[] = [];
        for (;;) {
          const one = exactly(1);
          if (typeof one === 'number') return one;
          if (one[0] === 0) break;
          bytes.push(one[0]!);
        }
        values.push(Buffer.from(bytes).toString('utf8'));
      }
    }
  }
  return values;
}

function readNumber(block: Buffer, at: number, size: number, kind: string, littleEndian: boolean): number | bigint {
  if (kind === 'f') return littleEndian ? block.readFloatLE(at) : block.readFloatBE(at);
  if (kind === 'd') return littleEndian ? block.readDoubleLE(at) : block.readDoubleBE(at);
  const signed = kind === kind.toLowerCase();
  if (size === 8) {
    if (signed) return littleEndian ? block.readBigInt64LE(at) : block.readBigInt64BE(at);
    return littleEndian ? block.readBigUInt64LE(at) : block.readBigUInt64BE(at);
  }
  if (signed) return littleEndian ? block.readIntLE(at, size) : block.readIntBE(at, size);
  return littleEndian ? block.readUIntLE(at, size) : block.readUIntBE(at, size);
}
