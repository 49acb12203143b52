// serve() connection handler: a line-based request/response protocol, one connection per
// client, owned by one pool thread for its life. Copy it into a project as it is.
//   npx tcpcmd serve --handler node_modules/tcp-commands/examples/handlers/line-protocol.ts --port 7000
//   HELLO            +OK tcp-commands line server
//   ADD n n ...      +OK <sum>
//   UPPER text       +OK TEXT
//   REVERSE text     +OK txet
//   QUIT             +OK bye, and the connection closes
//   anything else    -ERR unknown command
// Lines are read with TCPReceiveUntil, never TCPReceive: TCPReceive returns whatever has
// arrived (half a line, or three), TCPReceiveUntil one line and nothing past it.
import { TCPClose, TCPReceiveUntil, TCPSend } from 'tcp-commands';

const MAX_LINE_BYTES = 4096;

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
  const line = { value: '' }; // a Character field: never part of a character
  for (;;) {
    const n = TCPReceiveUntil(socket, line, '\n', MAX_LINE_BYTES);
    if (n <= 0) return; // closed (0) or failed (< 0): serve() closes the socket
    if (!line.value.endsWith('\n')) {
      // MAX_LINE_BYTES without a line end, or the peer closed in the middle of a line.
      TCPSend(socket, '-ERR line too long\r\n');
      return;
    }
    const text = line.value.replace(/\r?\n$/, '');
    if (text.toUpperCase() === 'QUIT') {
      TCPSend(socket, '+OK bye\r\n');
      TCPClose(socket);
      return;
    }
    if (TCPSend(socket, `${answer(text)}\r\n`) < 0) return;
  }
}
