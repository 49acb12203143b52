// node bench/connection-handler-scaling.mjs (after npm run build): a serve() connection handler
// (bench/handlers/reqres.mjs) under loadgen runs of LOADS=[[clients, requests per connection], ...]
// with THREADS threads (2): requests/s and engine calls per request. What bounds connection handlers
// (docs/performance.md): clients served at once = threads; each round trip waits for the client.
import { serve, TCPStats } from '../dist/index.js';
import { spawn } from 'node:child_process';
const handler = new URL(process.env.HANDLER ?? './handlers/reqres.mjs', import.meta.url);
const server = await serve({ handler, address: '127.0.0.1', threads: Number(process.env.THREADS ?? 2), backlog: 1024 });
for (const [conns, per] of JSON.parse(process.env.LOADS ?? '[[2,10],[2,10],[4,10],[8,10],[64,10],[2,1000]]')) {
  const before = TCPStats();
  const gen = spawn(process.execPath, [new URL('./peers/loadgen.mjs', import.meta.url).pathname, String(server.port), String(conns), String(per), '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  gen.stdout.on('data', (d) => (out += d));
  await new Promise((r) => gen.once('exit', r));
  const after = TCPStats();
  const { completed, perSecond } = JSON.parse(out);
  const per1 = (k) => ((after[k] - before[k]) / completed).toFixed(2);
  console.log(`${conns}x${per}: ${Math.round(perSecond)} req/s; per request: engineCalls ${per1('engineCalls')}, directReads ${per1('directReads')}`);
}
await server.close(1000);
process.exit(0);
