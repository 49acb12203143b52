// Child process of the serve-start figure, plain node with the compiled library (as a user
// runs it): serve() with THREADS threads and a plain JavaScript request handler; prints
// JSON: ms until serve() resolved (every thread loaded the handler and can accept), and
// the CPU time and resident memory it added, per thread.
//   node start-probe.mjs THREADS
import { serve } from '../../dist/index.js';

const threads = Number(process.argv[2] ?? 8);
const handler = new URL('../handlers/reqres-request.mjs', import.meta.url);
// The engine first (it is started by the first command), so that only the threads count.
const warm = await serve({ handler, address: '127.0.0.1', threads: 1 });
await warm.close();
global.gc?.();
const before = process.memoryUsage().rss;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const server = await serve({ handler, address: '127.0.0.1', threads });
const startMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await new Promise((resolve) => setTimeout(resolve, 200));
const after = process.memoryUsage().rss;
await server.close();
console.log(JSON.stringify({
  startMs,
  // CPU time of the whole process (all threads) per thread started: what a busy machine
  // cannot inflate the way it inflates wall time.
  cpuMsPerThread: (cpu.user + cpu.system) / 1000 / threads,
  rssPerThreadMiB: (after - before) / threads / 1024 / 1024,
}));
process.exit(0);
