// Child process of the idle-connections figure: COUNT raw node:net connections held, and
// the memory they took.
import net from 'node:net';

const [holderPort, count] = process.argv.slice(2).map(Number);
const sockets = [];
const before = process.memoryUsage().rss;
for (let opened = 0; opened < count; ) {
  const batch = Math.min(500, count - opened);
  await Promise.all(
    Array.from({ length: batch }, () => new Promise((resolve, reject) => {
      const socket = net.connect({ port: holderPort, host: '127.0.0.1', noDelay: true, allowHalfOpen: true }, () => resolve());
      socket.once('error', reject);
      sockets.push(socket);
    })),
  );
  opened += batch;
}
const after = process.memoryUsage().rss;
console.log(JSON.stringify({ bytesPerSocket: (after - before) / count }));
process.exit(0);
