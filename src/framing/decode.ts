/** Bytes to values, as a format says (format.ts); reads through a `read(n)` of exact sizes. */
import { fixedSize, type FormatItem, NUMBER_SIZES } from './format.js';

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
  let i = 0;
  while (i < items.length) {
    const item = items[i]!;
    if (item.kind === 'z') {
      for (let k = 0; k < item.count; k++) {
        const bytes: number[] = [];
        for (;;) {
          const one = exactly(1);
          if (typeof one === 'number') return one;
          if (one[0] === 0) break;
          bytes.push(one[0]!);
        }
        values.push(Buffer.from(bytes).toString('utf8'));
      }
      i++;
      continue;
    }
    // The fixed-size items up to the next z string come in one read: one wait for the
    // engine, not one per item.
    let end = i;
    let size = 0;
    while (end < items.length && items[end]!.kind !== 'z') size += fixedSize(items[end++]!);
    const block = exactly(size);
    if (typeof block === 'number') return block;
    for (let at = 0; i < end; i++) at = decodeFixed(block, at, items[i]!, values);
  }
  return values;
}

/** Decodes one fixed-size item from `block` at `at` into `values`; returns where the next begins. */
function decodeFixed(block: Buffer, at: number, { kind, count, littleEndian }: FormatItem, values: unknown[]): number {
  const size = NUMBER_SIZES[kind];
  if (size !== undefined) {
    for (let k = 0; k < count; k++) values.push(readNumber(block, at + k * size, size, kind, littleEndian));
    return at + size * count;
  }
  const bytes = block.subarray(at, at + count);
  if (kind === 'r') values.push(new Uint8Array(bytes));
  else if (kind === 's') values.push(bytes.toString('utf8').replace(/\0+$/, ''));
  else if (kind === 'A') values.push(bytes.toString('utf8').replace(/ +$/, ''));
  return at + count; // x: skipped
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
