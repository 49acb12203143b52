// Holds every connection it accepts, doing nothing with them (the idle-connections
// figure). Prints its port; exits when its stdin closes.
import net from 'node:net';

// A held socket stays alive through its handle; it goes when its client goes.
const server = net.createServer({ allowHalfOpen: false }, (socket) => {
  socket.on('error', () => {});
  socket.on('end', () => socket.destroy());
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => console.log(server.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
