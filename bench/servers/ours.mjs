// The throughput benchmarks' server of ours: serve() with THREADS pool threads (default
// 2) and a HANDLER module (default the 64-byte request/response one), in a process of its
// own (as the raw node:net server is). Prints its port; exits when stdin closes.
// Plain node with the compiled library, as a user runs `tcpcmd serve` (the pool threads
// drop a process's `--import tsx` anyway: src/pool/pool.ts lightExecArgv).
//   node ours.mjs [THREADS] [HANDLER_PATH] [BACKLOG] [IDLE_TIMEOUT_MS] [PROCESSES]
// '' for an argument: its default. PROCESSES: serve({ processes }), THREADS threads in each.
// A line `rusage` on stdin: prints this process's context switches so far (./rusage.mjs).
// BENCH_METRICS_PORT in the environment: serve({ metrics }) on that port of 127.0.0.1.
import { serve } from '../../dist/index.js';
import { answerRusage } from './rusage.mjs';

const server = await serve({
  handler: process.argv[3] || new URL('../handlers/reqres.mjs', import.meta.url),
  address: '127.0.0.1',
  threads: Number(process.argv[2] || 2),
  backlog: Number(process.argv[4] || 1024),
  ...(process.argv[5] ? { idleTimeout: Number(process.argv[5]) } : {}),
  ...(process.argv[6] ? { processes: Number(process.argv[6]) } : {}),
  ...(process.env.BENCH_METRICS_PORT ? { metrics: { port: Number(process.env.BENCH_METRICS_PORT), address: '127.0.0.1' } } : {}),
});
console.log(server.port);
answerRusage();
process.stdin.on('end', () => {
  void server.close(1000).then(() => process.exit(0));
});
