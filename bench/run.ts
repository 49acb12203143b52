/**
 * npm run bench: our commands against raw node:net and Python sockets, in one run.
 *
 * Runs are interleaved (ours, node:net, Python, ours, ...) so that drift of this noisy
 * machine hits every client alike; each figure is the median over RUNS runs, each run's
 * figure itself a median of its samples. Ratios matter; absolute figures drift.
 */
import { cpus } from 'node:os';
import { startEchoServer } from './echo-server.js';
import { nodeNetPingPong, oursPingPong, pythonPingPong } from './pingpong.js';
import { median, printTable, type Row } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 20_000);

async function pingPong(): Promise<Row> {
  const echo = await startEchoServer();
  try {
    oursPingPong(echo.port, 2000); // warm up the engine and the JIT
    await nodeNetPingPong(echo.port, 2000);
    const ours: number[] = [];
    const nodeNet: number[] = [];
    const python: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(oursPingPong(echo.port, ROUND_TRIPS));
      nodeNet.push(await nodeNetPingPong(echo.port, ROUND_TRIPS));
      python.push(await pythonPingPong(echo.port, ROUND_TRIPS));
      console.error(`ping-pong run ${run + 1}/${RUNS}: ours ${ours.at(-1)!.toFixed(1)} us, node:net ${nodeNet.at(-1)!.toFixed(1)} us, python ${python.at(-1)!.toFixed(1)} us`);
    }
    return {
      figure: '64-byte ping-pong round trip, main thread',
      ours: median(ours),
      peers: { 'node:net': median(nodeNet), python: median(python) },
      unit: 'us',
      better: 'lower',
    };
  } finally {
    await echo.stop();
  }
}

console.log(`tcp-commands benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}, median of ${RUNS} runs\n`);
printTable([await pingPong()]);
