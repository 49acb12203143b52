// The throughput benchmark's server of ours: serve() with THREADS pool threads (default
// 2), in a process of its own (as the raw node:net server is). Prints its port; exits
// when stdin closes.
import { serve } from '../../src/index.js';

const server = await serve({
  handler: new URL('../handlers/reqres.ts', import.meta.url),
  address: '127.0.0.1',
  threads: Number(process.argv[2] ?? 2),
  backlog: 1024,
});
console.log(server.port);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close(1000).then(() => process.exit(0));
});
