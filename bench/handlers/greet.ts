// serve() handler of the TLS attack benchmark: greets the client and closes.
import { TCPClose, TCPSend } from '../../src/index.js';

export default function greet(socket: number): void {
  TCPSend(socket, 'hello\n');
  TCPClose(socket);
}
