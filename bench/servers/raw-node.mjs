// The throughput benchmark's raw async node:net server: the same work as
// bench/handlers/reqres.mjs (64-byte requests echoed), the idiomatic async way.
// A line `rusage` on stdin: prints this process's context switches so far (./rusage.mjs).
import net from 'node:net';
import { answerRusage } from './rusage.mjs';

const SIZE = 64;
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => {});
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= SIZE) {
      socket.write(pending.subarray(0, SIZE));
      pending = pending.subarray(SIZE);
    }
  });
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => console.log(server.address().port));
answerRusage();
process.stdin.on('end', () => process.exit(0));
