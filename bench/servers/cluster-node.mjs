// The `cluster` figure's peer: a node:cluster server of WORKERS processes (default 2), each
// doing the raw node:net server's work (./raw-node.mjs: 64-byte requests echoed), node's
// default scheduling (on Linux the primary accepts and hands connections round-robin).
// Prints its port once every worker listens; exits, workers with it, when stdin closes.
//   node cluster-node.mjs [WORKERS]
import cluster from 'node:cluster';
import net from 'node:net';

const SIZE = 64;

if (cluster.isPrimary) {
  const workers = Number(process.argv[2] || 2);
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(address.port);
  });
  // Port 0 in every worker: the primary binds once, so they share one port.
  for (let i = 0; i < workers; i++) cluster.fork();
  process.stdin.resume();
  process.stdin.on('end', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
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
  server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 });
}
