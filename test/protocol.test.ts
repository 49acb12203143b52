/** The wire protocol's tables agree with themselves. */
import test from 'ava';
import { Op, OPERATIONS, Slot, SLOT_HEADER_BYTES } from '../src/protocol.js';

test('every operation has one code and one entry saying what its words mean', (t) => {
  const codes = Object.values(Op);
  t.is(new Set(codes).size, codes.length, 'no two operations share a code');
  t.deepEqual(Object.keys(OPERATIONS).sort(), Object.keys(Op).sort());
  for (const [name, shape] of Object.entries(OPERATIONS)) t.true(shape.result.length > 0, name);
});

test('the slot header words are distinct and fit the header', (t) => {
  const words = Object.values(Slot);
  t.is(new Set(words).size, words.length);
  t.true(Math.max(...words) < SLOT_HEADER_BYTES / 4);
});
