// A client script for the pool (tcpcmd run examples/clients/echo-once.ts PORT TEXT):
// connects to an echo server, sends TEXT, half-closes, and returns what came back.
import { TCPClose, TCPConnect, TCPGetLastErrorDetail, TCPReceive, TCPSend } from 'tcp-commands';

export default function echoOnce(port: number, text: string): { sent: number; received: string } {
  const socket = TCPConnect('127.0.0.1', port);
  if (socket < 0) throw new Error(`cannot connect: ${TCPGetLastErrorDetail()}`); // 'TCPConnect -10061: ...'
  const sent = TCPSend(socket, text);
  TCPClose(socket, 1); // half-close: "that is all"; the echo server answers and closes
  const holder = { value: '' };
  let received = '';
  for (;;) {
    const n = TCPReceive(socket, holder);
    if (n < 0) {
      // An error (-10054 reset, -522 timed out, ...), not the end: what came so far is short.
      // The detail gives the code, its text (TCPErrorText(n)) and what went wrong.
      const detail = TCPGetLastErrorDetail();
      TCPClose(socket);
      throw new Error(`receive failed after ${received.length} characters: ${detail}`);
    }
    if (n === 0) break; // the end of the stream: the server closed, the whole echo is here
    received += holder.value;
  }
  TCPClose(socket);
  return { sent, received };
}
