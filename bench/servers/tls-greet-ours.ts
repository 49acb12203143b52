// The TLS attack benchmark's server of ours: serve({ cert, key }) with 2 threads and the
// greeting handler, default backlog and handshake options. Prints its port; exits when
// stdin closes.   node --import=tsx tls-greet-ours.ts CERT KEY
import { serve } from '../../src/index.js';

const server = await serve({
  handler: new URL('../handlers/greet.ts', import.meta.url),
  address: '127.0.0.1',
  threads: 2,
  cert: process.argv[2],
  key: process.argv[3],
  log: () => {},
});
console.log(server.port);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close(1000).then(() => process.exit(0));
});
