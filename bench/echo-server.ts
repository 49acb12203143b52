/** The benchmarks' echo server: the tests' Python peer, in its own process. */
import { startPythonPeer, type Peer } from '../test/helpers/peers.js';

export function startEchoServer(): Promise<Peer> {
  return startPythonPeer('echo');
}
