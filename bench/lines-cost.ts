/**
 * The calling thread's cost per line of TCPReceiveUntil with the bytes already there: each
 * connection's lines are left 300 ms to reach the kernel before they are read, so the figure
 * is the commands' own work (wall and process CPU per line), not the sender's pace.
 *
 *   npx tsx bench/lines-cost.ts [LINES] [ROUNDS]
 *   node --cpu-prof --import tsx bench/lines-cost.ts    (where that time goes)
 */
import { TCPClose, TCPConnect, TCPReceiveUntil } from '../src/index.js';
import { startLineSource } from './text-lines.js';

const lines = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 6);
const source = await startLineSource(lines);
const line = new Uint8Array(256);
for (let round = 0; round < rounds; round++) {
  const s = TCPConnect('127.0.0.1', source.port);
  await new Promise((resolve) => setTimeout(resolve, 300));
  let read = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  while (TCPReceiveUntil(s, line, '\n') > 0) read++;
  const wall = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  console.log(`${read} lines: ${(wall / read).toFixed(0)} ns/line wall, ${(((used.user + used.system) * 1000) / read).toFixed(0)} ns/line CPU`);
  TCPClose(s);
}
await source.stop();
process.exit(0);
