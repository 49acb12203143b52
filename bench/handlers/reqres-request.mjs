// serve() request handler of the throughput and keep-alive benchmarks, plain JavaScript:
// one 64-byte request read (exactly: bytes beyond it stay for the next call), answered
// with the same 64 bytes. The connection then waits in the engine, holding no thread.
import { TCPClose, TCPReceive, TCPSend } from 'tcp-commands';

const SIZE = 64;
const buffer = new Uint8Array(SIZE);

export function request(socket) {
  let got = 0;
  while (got < SIZE) {
    const n = TCPReceive(socket, buffer.subarray(got), SIZE - got);
    if (n <= 0) {
      TCPClose(socket);
      return;
    }
    got += n;
  }
  TCPSend(socket, buffer);
}
