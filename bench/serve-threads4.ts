// npx tsx bench/serve-threads4.ts: request handler, 64 x 10, 2 threads against 4, alternately, 3 rounds (issue 27: "4 threads: no worse than 2").
import { loadGenerator, REQUEST_HANDLER, startOurServer } from './serve-throughput.js';
const results: Record<string, number[]> = { 2: [], 4: [] };
for (let round = 0; round < 3; round++) {
  for (const threads of [2, 4]) {
    const server = await startOurServer(threads, REQUEST_HANDLER);
    await loadGenerator(server.port, 10, 1); // warm-up
    results[threads]!.push(Math.round(await loadGenerator(server.port, 10, 3)));
    server.stop();
  }
}
console.log(JSON.stringify(results));
