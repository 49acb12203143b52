// The TLS attack benchmark's peer: node's own tls.createServer (its defaults: a 120 s
// handshake time-out, no bound on handshakes in flight) greeting each client. Prints its
// port; exits when stdin closes.   node tls-greet-node.mjs CERT KEY
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const server = tls.createServer({ cert: readFileSync(process.argv[2]), key: readFileSync(process.argv[3]) }, (socket) => {
  socket.on('error', () => {});
  socket.end('hello\n');
});
server.on('tlsClientError', () => {});
server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => console.log(server.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
