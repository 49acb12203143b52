// serve() handler: a line-based request/response protocol, one connection per client.
//   HELLO            +OK tcp-commands line server
//   ADD n n ...      +OK <sum>
//   UPPER text       +OK TEXT
//   REVERSE text     +OK txet
//   QUIT             +OK bye, and the connection closes
//   anything else    -ERR unknown command
import { TCPClose, TCPSend } from 'tcp-commands';
import { LineReader } from '../lib/lines.js';

function answer(line: string): string {
  const [verb = '', ...words] = line.split(' ');
  const rest = words.join(' ');
  switch (verb.toUpperCase()) {
    case 'HELLO':
      return '+OK tcp-commands line server';
    case 'ADD': {
      const numbers = words.map(Number);
      return numbers.some(Number.isNaN) ? '-ERR not numbers' : `+OK ${numbers.reduce((a, b) => a + b, 0)}`;
    }
    case 'UPPER':
      return `+OK ${rest.toUpperCase()}`;
    case 'REVERSE':
      return `+OK ${[...rest].reverse().join('')}`;
    default:
      return '-ERR unknown command';
  }
}

export default function lineProtocol(socket: number): void {
  const reader = new LineReader(socket);
  for (;;) {
    const line = reader.readLine();
    if (typeof line !== 'string') return; // closed or failed: serve() closes the socket
    if (line.toUpperCase() === 'QUIT') {
      TCPSend(socket, '+OK bye\r\n');
      TCPClose(socket);
      return;
    }
    if (TCPSend(socket, `${answer(line)}\r\n`) < 0) return;
  }
}
