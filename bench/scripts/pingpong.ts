// The ping-pong figure measured on a pool thread: the same loop as the main thread's.
import { oursPingPong } from '../pingpong.js';

export default function pingPongOnPoolThread(port: number, roundTrips: number): number {
  return oursPingPong(port, roundTrips);
}
