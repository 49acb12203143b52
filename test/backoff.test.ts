/** The one restart back-off (src/backoff.ts), with the delays serve()'s loops and serving processes use. */
import test from 'ava';
import { Backoff } from '../src/backoff.js';

const series = (backoff: Backoff, deaths: number): number[] =>
  Array.from({ length: deaths }, (_, i) => backoff.next(i === 0));

test("a serving process's restarts: 100 ms, doubling up to 10 s; a fresh series starts again", (t) => {
  const backoff = new Backoff({ firstMs: 100, maxMs: 10_000 });
  t.deepEqual(series(backoff, 9), [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
  t.is(backoff.next(true), 100);
});

test("a serve() loop's restarts: the first at once, then 100 ms doubling up to 5 s", (t) => {
  const backoff = new Backoff({ firstMs: 100, maxMs: 5_000, firstIsFree: true });
  t.deepEqual(series(backoff, 9), [0, 100, 200, 400, 800, 1600, 3200, 5_000, 5_000]);
  t.is(backoff.inARow, 9);
  t.is(backoff.next(true), 0);
  t.is(backoff.inARow, 1);
});
