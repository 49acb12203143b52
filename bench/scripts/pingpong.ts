// The ping-pong figure measured on a pool thread: the same loop as the main thread's.
// Returns the median, mean and p99 round trip (bench/stats.ts Summary), in microseconds.
import { oursPingPongStats } from '../pingpong.js';
import type { Summary } from '../stats.js';

export default function pingPongOnPoolThread(port: number, roundTrips: number): Summary {
  return oursPingPongStats(port, roundTrips);
}
