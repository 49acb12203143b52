// The load benchmark's raw async node:net server: the same work as the serve() handler
// test/fixtures/handlers/length-echo-loop.ts (length-prefixed requests answered with the
// same bytes), the idiomatic async way. Prints its port; exits when stdin closes.
import net from 'node:net';

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => {});
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      const size = pending.readUInt32BE(0);
      socket.write(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
    }
  });
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, () => console.log(server.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
