// npx tsx bench/serve-threads4.ts: request handler, 64 x 10, 2 threads against 4, alternately,
// 3 rounds (issue 27: "4 threads: no worse than 2"): requests per second, and context switches
// per request of the server process (/proc, live threads; by role: engine, pool, main).
// THREADS4_LOAD=1 for 64 x 1.
import { loadRun, REQUEST_HANDLER, startOurServer } from './serve-throughput.js';
import { measureSwitches } from './switches.js';

const perConnection = Number(process.env.THREADS4_LOAD ?? 10);
const results: Record<string, string[]> = { 2: [], 4: [] };
for (let round = 0; round < 3; round++) {
  for (const threads of [2, 4]) {
    const server = await startOurServer(threads, REQUEST_HANDLER);
    await loadRun(server.port, perConnection, 1); // warm-up
    const { result, switches } = await measureSwitches(server, true, () => loadRun(server.port, perConnection, 3));
    const per = (n: number): string => (n / result.completed).toFixed(2);
    const roles = Object.entries(switches.roles)
      .map(([role, r]) => `${role} ${per(r.voluntary + r.forced)}`)
      .join(', ');
    results[threads]!.push(`${Math.round(result.perSecond)} req/s, ${per(switches.proc.voluntary + switches.proc.forced)} sw/req (${roles})`);
    server.stop();
  }
}
for (const [threads, rows] of Object.entries(results)) console.log(`${threads} threads, 64 x ${perConnection}:\n  ${rows.join('\n  ')}`);
