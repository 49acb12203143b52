/** Values to bytes, as a format says (format.ts). */
import { type FormatItem, NUMBER_SIZES } from './format.js';

const LIMITS: Record<string, [bigint, bigint]> = {
  b: [-(2n ** 7n), 2n ** 7n - 1n],
  B: [0n, 2n ** 8n - 1n],
  h: [-(2n ** 15n), 2n ** 15n - 1n],
  H: [0n, 2n ** 16n - 1n],
  i: [-(2n ** 31n), 2n ** 31n - 1n],
  I: [0n, 2n ** 32n - 1n],
  q: [-(2n ** 63n), 2n ** 63n - 1n],
  Q: [0n, 2n ** 64n - 1n],
};

function integer(value: unknown, kind: string): bigint | undefined {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else return undefined;
  const [min, max] = LIMITS[kind]!;
  return big < min || big > max ? undefined : big;
}

/** The encoded bytes, or a reason why the values do not fit the format. */
export function encodeValues(items: FormatItem[], values: unknown[]): Buffer | { error: string } {
  const parts: Buffer[] = [];
  let next = 0;
  const take = (): unknown => values[next++];
  for (const item of items) {
    const { kind, count, littleEndian } = item;
    const size = NUMBER_SIZES[kind];
    if (size !== undefined) {
      const block = Buffer.alloc(size * count);
      for (let k = 0; k < count; k++) {
        const value = take();
        const at = k * size;
        if (kind === 'f' || kind === 'd') {
          if (typeof value !== 'number') return { error: `value ${next} is not a number` };
          // As struct: a finite value too large for a float32 is an error, not Infinity.
          if (kind === 'f' && Number.isFinite(value) && !Number.isFinite(Math.fround(value))) return { error: `value ${next} is too large for 'f'` };
          if (kind === 'f') littleEndian ? block.writeFloatLE(value, at) : block.writeFloatBE(value, at);
          else littleEndian ? block.writeDoubleLE(value, at) : block.writeDoubleBE(value, at);
          continue;
        }
        const big = integer(value, kind);
        if (big === undefined) return { error: `value ${next} does not fit '${kind}'` };
        writeInteger(block, at, size, kind, big, littleEndian);
      }
      parts.push(block);
    } else if (kind === 'x') {
      parts.push(Buffer.alloc(count));
    } else if (kind === 'r') {
      const value = take();
      if (!(value instanceof Uint8Array) || value.length !== count) return { error: `value ${next} is not ${count} raw bytes` };
      parts.push(Buffer.from(value));
    } else if (kind === 's' || kind === 'A') {
      const value = take();
      if (typeof value !== 'string') return { error: `value ${next} is not a string` };
      const bytes = Buffer.alloc(count, kind === 'A' ? 0x20 : 0);
      Buffer.from(value, 'utf8').copy(bytes, 0, 0, count); // longer: cut, as struct's 's'
      parts.push(bytes);
    } else {
      for (let k = 0; k < count; k++) {
        const value = take();
        if (typeof value !== 'string' || value.includes('\0')) return { error: `value ${next} is not a string without NUL` };
        parts.push(Buffer.from(`${value}\0`, 'utf8'));
      }
    }
  }
  if (next !== values.length) return { error: `${values.length} values for a format of ${next}` };
  return Buffer.concat(parts);
}

function writeInteger(block: Buffer, at: number, size: number, kind: string, value: bigint, littleEndian: boolean): void {
  const signed = kind === kind.toLowerCase();
  if (size === 8) {
    if (signed) littleEndian ? block.writeBigInt64LE(value, at) : block.writeBigInt64BE(value, at);
    else littleEndian ? block.writeBigUInt64LE(value, at) : block.writeBigUInt64BE(value, at);
    return;
  }
  const number = Number(value);
  if (signed) littleEndian ? block.writeIntLE(number, at, size) : block.writeIntBE(number, at, size);
  else littleEndian ? block.writeUIntLE(number, at, size) : block.writeUIntBE(number, at, size);
}
