/**
 * The wire protocol's tables agree with themselves and with the one file that cannot import
 * them (workers/engine.mjs, which reports a failed start before any module is loaded).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { EngineState, Op, OPERATIONS, Reg, Slot, SLOT_HEADER_BYTES } from '../src/protocol.js';

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

test("workers/engine.mjs writes the registry's State word and the Failed state as protocol.ts numbers them", (t) => {
  const source = readFileSync(new URL('../workers/engine.mjs', import.meta.url), 'utf8');
  const constant = (name: string): number => Number(new RegExp(`const ${name} = (\\d+);`).exec(source)?.[1]);
  t.is(constant('REG_STATE'), Reg.State);
  t.is(constant('ENGINE_FAILED'), EngineState.Failed);
});
