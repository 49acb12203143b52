// The handler thread of examples/legacy-server.ts: a line-based echo in blocking style.
// Plain JavaScript against the compiled library, so the worker starts without tsx.
import { workerData } from 'node:worker_threads';
import { TCPClose, TCPReceive, TCPSend } from 'tcp-commands';

const { socket } = workerData;
TCPSend(socket, 'hello; send lines, I echo them; "bye" ends\r\n');
const line = { value: '' };
let pending = '';
for (;;) {
  const n = TCPReceive(socket, line);
  if (n <= 0) break;
  pending += line.value;
  let end;
  while ((end = pending.indexOf('\n')) >= 0) {
    const text = pending.slice(0, end).replace(/\r$/, '');
    pending = pending.slice(end + 1);
    if (text === 'bye') {
      TCPClose(socket);
      process.exit(0);
    }
    TCPSend(socket, `echo: ${text}\r\n`);
  }
}
TCPClose(socket);
