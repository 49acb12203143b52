// A client script for the pool (tcpcmd run examples/clients/echo-once.ts PORT TEXT):
// connects to an echo server, sends TEXT, half-closes, and returns what came back.
import { TCPClose, TCPConnect, TCPErrorText, TCPReceive, TCPSend } from 'tcp-commands';

export default function echoOnce(port: number, text: string): { sent: number; received: string } {
  const socket = TCPConnect('127.0.0.1', port);
  if (socket < 0) throw new Error(`cannot connect: ${TCPErrorText(socket)}`);
  const sent = TCPSend(socket, text);
  TCPClose(socket, 1); // half-close: "that is all"; the echo server answers and closes
  const holder = { value: '' };
  let received = '';
  while (TCPReceive(socket, holder) > 0) received += holder.value;
  TCPClose(socket);
  return { sent, received };
}
