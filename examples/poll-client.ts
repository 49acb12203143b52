// A client that polls a non-blocking socket with its own time-out, as legacy code does
// when it must not hang: send a request, then look for the answer every 10 ms until it is
// there or the deadline passes.
//
//   npx tsx examples/poll-client.ts HOST PORT REQUEST [TIMEOUT_MS]
import { TCPBlock, TCPClose, TCPConnect, TCPErrorText, TCPReceive, TCPSend } from 'tcp-commands';

const [host = '127.0.0.1', port = '7', request = 'ping', timeout = '2000'] = process.argv.slice(2);
const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number): void => void Atomics.wait(pause, 0, 0, ms);

const socket = TCPConnect(host, Number(port));
if (socket < 0) {
  console.error(`cannot connect: ${TCPErrorText(socket)}`);
  process.exit(1);
}
TCPBlock(socket, 1); // non-blocking from here on
TCPSend(socket, request);

const deadline = Date.now() + Number(timeout);
const answer = { value: '' };
let text = '';
let polls = 0;
for (;;) {
  const n = TCPReceive(socket, answer);
  polls++;
  if (n > 0) {
    text += answer.value;
    if (text.length >= request.length) break; // enough for this example's echo
  } else if (n === -10035) {
    if (Date.now() > deadline) {
      console.error(`no answer within ${timeout} ms (${polls} polls)`);
      TCPClose(socket, 2);
      process.exit(2);
    }
    sleep(10); // nothing yet: do other work, or wait a little
  } else {
    console.error(n === 0 ? 'the server closed' : `receive failed: ${TCPErrorText(n)}`);
    break;
  }
}
console.log(`answer after ${polls} poll(s): ${text}`);
TCPClose(socket);
