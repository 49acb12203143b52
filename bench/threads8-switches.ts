/**
 * The threads8 figure's switches (issue 27): 8 pool threads ping-ponging for 2 s as in
 * bench/threads8.ts, this process's context switches per round trip by thread role
 * (bench/switches.ts) and the CPU each role used. Under perf, with V8's JIT map:
 *
 *   NODE_OPTIONS="--perf-basic-prof --interpreted-frames-native-stack" perf record \
 *     -e sched:sched_switch --call-graph dwarf,32768 -- node --import tsx bench/threads8-switches.ts
 */
import { readFileSync } from 'node:fs';
import { createPool } from '../src/index.js';
import { startRawServer } from './serve-throughput.js';
import { switchesBetween, threadRoles, threadSwitches } from './switches.js';
import { oursThreads } from './threads8.js';

/** User + system CPU of one of this process's threads so far, in clock ticks. */
const cpu = (tid: number): number => {
  const f = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};
const echo = await startRawServer();
const pool = createPool({ threads: 8 });
await oursThreads(pool, echo.port, 0.2);
const before = threadSwitches(process.pid);
const cpuBefore = new Map(before.map((t) => [t.tid, cpu(t.tid)]));
const rate = await oursThreads(pool, echo.port, 2);
const delta = switchesBetween(before, threadSwitches(process.pid));
const trips = rate * 2;
const agg: Record<string, { v: number; f: number; cpu: number; n: number }> = {};
for (const [t, role] of threadRoles(process.pid, delta, true)) {
  const a = (agg[role] ??= { v: 0, f: 0, cpu: 0, n: 0 });
  a.v += t.voluntary;
  a.f += t.forced;
  a.n++;
  try {
    a.cpu += cpu(t.tid) - (cpuBefore.get(t.tid) ?? 0);
  } catch {
    // the thread ended
  }
}
console.log(`round trips/s ${rate.toFixed(0)}; per round trip, by role (CPU in clock ticks, 10 ms, over the 1.5 s lead and the 2 s window):`);
for (const [role, a] of Object.entries(agg)) console.log(`  ${role} x${a.n}: ${(a.v / trips).toFixed(2)} voluntary, ${(a.f / trips).toFixed(2)} forced, cpu ${a.cpu} ticks`);
await pool.close();
echo.stop();
