// npm start: the real thing end to end. serve() runs the line protocol handler on pool
// threads on an ephemeral loopback port; many client scripts run concurrently on another
// pool against it, each a legacy-style conversation of blocking calls; then a table of
// what each did, the totals, the server's counts. Exit code 0 when every answer was right.
import { availableParallelism } from 'node:os';
import { createPool, serve } from 'tcp-commands';
import type { Conversation } from './clients/line-client.js';

const CLIENTS = 12;
const REQUESTS = 25; // per client, each an ADD and an UPPER

const started = performance.now();
const server = await serve({
  handler: new URL('./handlers/line-protocol.ts', import.meta.url),
  address: '127.0.0.1',
  threads: 3,
});
console.log(`line server listening on ${server.address}:${server.port} (3 handler threads)`);
const clients = createPool({ threads: 3 });
console.log(`running ${CLIENTS} client scripts on a pool of 3 threads (${availableParallelism()} cores)\n`);

const script = new URL('./clients/line-client.ts', import.meta.url);
const conversations = await Promise.all(
  Array.from({ length: CLIENTS }, (_, i) => clients.run<Conversation>(script, server.port, i + 1, REQUESTS)),
);

console.log('client  requests  correct  ms     error');
for (const c of conversations) {
  console.log(
    `${String(c.client).padStart(6)}  ${String(c.requests).padStart(8)}  ${String(c.correct).padStart(7)}  ${String(c.milliseconds).padStart(5)}  ${c.error ?? ''}`,
  );
}
const requests = conversations.reduce((sum, c) => sum + c.requests, 0);
const correct = conversations.reduce((sum, c) => sum + c.correct, 0);
const failures = conversations.filter((c) => c.error !== undefined || c.correct !== c.requests).length;
console.log(`\ntotal: ${requests} requests, ${correct} correct answers, ${failures} client(s) with problems`);

await clients.close();
const closed = await server.close();
const stats = server.stats();
console.log(
  `server: accepted ${stats.accepted}, completed ${closed.completed}, failed ${stats.failed}, refused ${stats.refused}, abandoned ${closed.abandoned}`,
);
console.log(`done in ${Math.round(performance.now() - started)} ms`);
process.exitCode = failures === 0 && correct === requests && closed.completed === CLIENTS ? 0 : 1;
