// serve() handler: echoes everything back until the client closes. Blocking style: it
// runs on a pool thread, and other connections are served on the other threads.
import { TCPReceive, TCPSend } from 'tcp-commands';

export default function echo(socket: number): void {
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = TCPReceive(socket, buffer);
    if (n <= 0) return; // 0: the client closed; negative: an error. serve() closes the socket.
    if (TCPSend(socket, buffer.subarray(0, n)) < 0) return;
  }
}
