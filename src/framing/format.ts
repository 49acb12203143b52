/**
 * Format strings of TCPSendData / TCPReceiveData (HALCON's send_data / receive_data, in
 * the letters of Python's struct where struct has one):
 *
 *   byte order   > or !  big-endian, network order (the default)   < little-endian
 *                =       this machine's order
 *   b B  int8 / uint8       h H  int16 / uint16      i I  int32 / uint32
 *   q Q  int64 / uint64 (bigint values; numbers accepted when they are safe integers)
 *   f d  float32 / float64
 *   s    fixed-length string, NUL-padded (Ns: one string of N bytes, as struct's 's')
 *   A    fixed-length string, space-padded (NA: one string of N bytes)
 *   z    NUL-terminated string (Nz: N strings)
 *   r    raw bytes (Nr: one Uint8Array of N bytes)
 *   x    pad byte, no value (Nx: N of them; zeros when sent, skipped when received)
 *
 * A count before a letter repeats it (3i: three int32 values), except for s, A and r,
 * where it is the length of the one value. Spaces between items are ignored.
 */
import { endianness } from 'node:os';

export type ItemKind = 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'q' | 'Q' | 'f' | 'd' | 's' | 'A' | 'z' | 'r' | 'x';

export interface FormatItem {
  kind: ItemKind;
  count: number;
  littleEndian: boolean;
}

/** Bytes of one value of a fixed-size number kind. */
export const NUMBER_SIZES: Partial<Record<ItemKind, number>> = { b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, q: 8, Q: 8, f: 4, d: 8 };

const MAX_COUNT = 64 * 1024 * 1024;
/** A record is encoded, and received, in one buffer: 1 GiB at most (a z string counts its NUL). */
const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

/** The items of a format, or a reason why it is not one. */
export function parseFormat(format: string): FormatItem[] | { error: string } {
  const items: FormatItem[] = [];
  let littleEndian = false;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '>' || c === '!' || c === '<' || c === '=') {
      littleEndian = c === '<' || (c === '=' && endianness() === 'LE');
      i++;
      continue;
    }
    let digits = '';
    while (i < format.length && format[i]! >= '0' && format[i]! <= '9') digits += format[i++];
    const kind = format[i];
    if (kind === undefined) return { error: `a count (${digits}) with no letter after it` };
    if (!'bBhHiIqQfdsAzrx'.includes(kind)) return { error: `unknown letter '${kind}' at ${i}` };
    const count = digits === '' ? 1 : Number(digits);
    if (count < 1 || count > MAX_COUNT) return { error: `count ${digits} out of range` };
    items.push({ kind: kind as ItemKind, count, littleEndian });
    i++;
  }
  if (items.length === 0) return { error: 'an empty format' };
  const bytes = items.reduce((sum, item) => sum + fixedSize(item), 0);
  if (bytes > MAX_RECORD_BYTES) return { error: `a record of ${bytes} bytes or more (at most ${MAX_RECORD_BYTES})` };
  return items;
}

/** Bytes of a fixed-size item (any but z, whose strings end where their NUL is). */
export function fixedSize({ kind, count }: FormatItem): number {
  return (NUMBER_SIZES[kind] ?? 1) * count;
}
