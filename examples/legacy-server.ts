// A legacy-style server: socket, bind, listen, accept loop, hand-off of each accepted
// socket number to a worker thread that serves it with blocking commands.
//
//   npx tsx examples/legacy-server.ts [port] [connections]
//
// Serves `connections` clients (default: forever) on 127.0.0.1, then exits. Try it with
// `tcpcmd connect 127.0.0.1 PORT` or `nc 127.0.0.1 PORT`.
import { Worker } from 'node:worker_threads';
import {
  engineHandle,
  TCPAccept,
  TCPBind,
  TCPClose,
  TCPErrorText,
  TCPGetMyPort,
  TCPGetRemoteAddr,
  TCPListen,
  TCPSetOption,
  TCPSocket,
} from 'tcp-commands';

const port = Number(process.argv[2] ?? 0);
const connections = Number(process.argv[3] ?? Infinity);

const listener = TCPSocket();
TCPSetOption(listener, 'address', '127.0.0.1');
let status = TCPBind(listener, port);
if (status === 0) status = TCPListen(listener);
if (status < 0) {
  console.error(`cannot listen: ${TCPErrorText(status)}`);
  process.exit(1);
}
console.log(`listening on 127.0.0.1:${TCPGetMyPort(listener)}`);

const handler = new URL('./legacy-handler.mjs', import.meta.url);
for (let served = 0; served < connections; served++) {
  const client = TCPAccept(listener);
  if (client < 0) {
    console.error(`accept failed: ${TCPErrorText(client)}`);
    break;
  }
  console.log(`client ${client} from ${TCPGetRemoteAddr(client)}: handing off`);
  // The socket number means the same on the worker: it shares this process's engine.
  new Worker(handler, { workerData: { socket: client, ...engineHandle() } });
}
TCPClose(listener);
