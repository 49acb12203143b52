// A plain node:net echo server for the demo: prints its port, echoes, exits when its
// stdin closes. Half-close aware: answers what it got, then closes after the client's FIN.
import net from 'node:net';

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => {});
  socket.pipe(socket);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
