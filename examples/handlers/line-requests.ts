// serve() request handler for a line protocol: each line is a request, each answer one
// line. Copy it into a project as it is.
//   npx tcpcmd serve --handler node_modules/tcp-commands/examples/handlers/line-requests.ts --port 7000
//   printf 'TIME\nECHO héllo\nQUIT\n' | nc 127.0.0.1 7000
//   TIME         +OK 2026-12-07T01:02:03.456Z
//   ECHO text    +OK text
//   QUIT         +OK bye, and the connection closes
//   else         -ERR unknown command
//
// `request` is called when a connection has bytes to read, on whichever pool thread is
// free; on return the connection waits in the engine holding no thread. So the handler
// answers the lines that are there and returns: TCPReceiveUntil reads one line and
// nothing past it (never TCPReceive, which returns half a line, or three), and
// TCPAvailable says whether a client that sends several at once has sent another.
import { TCPAvailable, TCPClose, TCPReceiveUntil, TCPSend, type Peer } from 'tcp-commands';

const MAX_LINE_BYTES = 4096;

function answer(text: string): string {
  const space = text.indexOf(' ');
  const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
  if (verb === 'TIME') return `+OK ${new Date().toISOString()}`;
  if (verb === 'ECHO') return `+OK ${space < 0 ? '' : text.slice(space + 1)}`;
  return '-ERR unknown command';
}

export function request(socket: number, _peer: Peer): void {
  const line = { value: '' }; // a Character field: whole characters, UTF-8
  do {
    // Blocks until the line ends (serve()'s `timeout`, 30 s by default, bounds a client
    // that stops in the middle of one: then -522).
    const n = TCPReceiveUntil(socket, line, '\n', MAX_LINE_BYTES);
    if (n <= 0 || !line.value.endsWith('\n')) {
      // Closed (0), failed or timed out (< 0), a line longer than MAX_LINE_BYTES, or a
      // last line without its end: this connection is done.
      if (n > 0) TCPSend(socket, '-ERR line too long or unfinished\r\n');
      TCPClose(socket);
      return;
    }
    const text = line.value.replace(/\r?\n$/, '');
    if (text.toUpperCase() === 'QUIT') {
      TCPSend(socket, '+OK bye\r\n');
      TCPClose(socket);
      return;
    }
    if (TCPSend(socket, `${answer(text)}\r\n`) < 0) {
      TCPClose(socket);
      return;
    }
  } while (TCPAvailable(socket) > 0);
}
