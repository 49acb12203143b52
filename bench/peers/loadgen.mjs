// Load generator of the serve() throughput benchmark, in a process of its own.
//
//   node loadgen.mjs PORT CONNECTIONS REQUESTS_PER_CONNECTION SECONDS
//
// CONNECTIONS clients at once, each in a loop: connect, REQUESTS_PER_CONNECTION 64-byte
// requests each waiting for its 64-byte answer, close. Prints requests per second.
import net from 'node:net';

const [port, connections, perConnection, seconds] = process.argv.slice(2).map(Number);
const SIZE = 64;
const request = Buffer.alloc(SIZE, 42);
const deadline = performance.now() + seconds * 1000;
let completed = 0;
let errors = 0;

function client() {
  return new Promise((resolve) => {
    const loop = () => {
      if (performance.now() > deadline) return resolve();
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      let left = perConnection;
      let got = 0;
      socket.once('connect', () => socket.write(request));
      socket.on('data', (chunk) => {
        got += chunk.length;
        while (got >= SIZE) {
          got -= SIZE;
          completed++;
          if (--left > 0 && performance.now() < deadline) socket.write(request);
          else return void socket.end();
        }
      });
      socket.once('close', () => setImmediate(loop));
      socket.once('error', () => errors++);
    };
    loop();
  });
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, client));
const elapsed = (performance.now() - started) / 1000;
console.log(JSON.stringify({ perSecond: completed / elapsed, completed, errors }));
