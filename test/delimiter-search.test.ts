// The delimiter search on its own (engine/delimiter-search.ts), against a plain search of
// the joined bytes: any cut into chunks, any bound, and UTF-16's rule that a match starts
// only on a code unit (issue 23, item 6).
import test from 'ava';
import fc from 'fast-check';
import { delimiterEnd } from '../src/engine/delimiter-search.js';

/** The same answer the slow way: every start in turn. */
function naive(bytes: Buffer, delimiter: Buffer, within: number, unit: number, phase: number): number {
  for (let at = 0; at + delimiter.length <= Math.min(within, bytes.length); at++) {
    if ((phase + at) % unit === 0 && bytes.subarray(at, at + delimiter.length).equals(delimiter)) return at + delimiter.length;
  }
  return -1;
}

test('any chunking, bound, unit and phase: the first aligned delimiter, as a plain search finds it', (t) => {
  // Bytes of a two-letter alphabet make matches, and misaligned ones, common.
  const bytesOf = (length: { minLength: number; maxLength: number }) =>
    fc.array(fc.constantFrom(0x00, 0x0a), length).map((a) => Buffer.from(a));
  fc.assert(
    fc.property(
      bytesOf({ minLength: 0, maxLength: 60 }),
      bytesOf({ minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 20 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 70 }),
      fc.constantFrom(1, 2),
      fc.constantFrom(0, 1),
      (bytes, delimiter, cuts, offset, within, unit, phase) => {
        const chunks: Buffer[] = [];
        let rest = bytes;
        for (const cut of cuts) {
          if (rest.length === 0) break;
          chunks.push(rest.subarray(0, cut));
          rest = rest.subarray(cut);
        }
        if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
        // chunks[0] starts `offset` bytes in: bytes read before.
        chunks[0] = Buffer.concat([Buffer.alloc(offset, 0x0a), chunks[0]!]);
        const bound = Math.min(within, bytes.length);
        return delimiterEnd(chunks, offset, delimiter, bound, unit, phase) === naive(bytes, delimiter, bound, unit, phase);
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});

test('UTF-16LE "ੁ一\\n": 0a 00 across the two characters is no delimiter', (t) => {
  const line = Buffer.from('ੁ一\n', 'utf16le'); // 41 0a 00 4e 0a 00
  const newline = Buffer.from('\n', 'utf16le');
  t.is(delimiterEnd([line], 0, newline, line.length), 3, 'bytes: found across the characters');
  t.is(delimiterEnd([line], 0, newline, line.length, 2), 6, 'code units: the real one');
  t.is(delimiterEnd([line.subarray(0, 2), line.subarray(2)], 0, newline, line.length, 2), 6, 'across a seam too');
  t.is(delimiterEnd([line.subarray(1)], 0, newline, 5, 2, 1), 6 - 1, 'a held byte before the first unread one');
});
