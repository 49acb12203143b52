/**
 * Reliability figures at full size (test/reliability.test.ts runs them sized down):
 * - load: serve() with 4 threads and 1,000 concurrent connections making 100 checksummed
 *   length-prefixed request/responses each, against a raw async node:net server doing
 *   the same; the load generator (test/peers/load-client.mjs) is a process of its own.
 * - leak: 10,000 connect/close cycles and 1 GiB sent, then the growth of the caller's and
 *   the engine's heaps after full collections (test/fixtures/churn-and-transfer.ts).
 */
import { spawn } from 'node:child_process';
import { startServerProcess } from './serve-throughput.js';

const root = new URL('../', import.meta.url);
const loadClient = new URL('test/peers/load-client.mjs', root).pathname;
const lengthEchoHandler = new URL('test/fixtures/handlers/length-echo-loop.ts', root).pathname;

export const LOAD_CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 1000);
export const LOAD_REQUESTS = Number(process.env.BENCH_LOAD_REQUESTS ?? 100);

function output(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[args.length - 1]}: exit ${code}: ${out}`))));
  });
}

export function startLoadServers(): Promise<Array<{ port: number; stop(): void }>> {
  return Promise.all([
    startServerProcess([new URL('servers/ours.mjs', import.meta.url).pathname, '4', lengthEchoHandler, String(LOAD_CONNECTIONS)]),
    startServerProcess([new URL('servers/raw-length-echo.mjs', import.meta.url).pathname]),
  ]);
}

/** Requests per second of one full load run against `port`; throws if a byte was lost. */
export async function loadRun(port: number): Promise<number> {
  const out = await output(process.execPath, [loadClient, String(port), String(LOAD_CONNECTIONS), String(LOAD_REQUESTS)]);
  const { failed, requests, seconds } = JSON.parse(out) as { failed: number; requests: number; seconds: number };
  if (failed > 0 || requests !== LOAD_CONNECTIONS * LOAD_REQUESTS) throw new Error(`load run lost data: ${out}`);
  return requests / seconds;
}

export interface LeakFigures {
  mainHeapGrowth: number;
  engineHeapGrowth: number;
  seconds: number;
}

/** One leak run in a child process, against an echo and a sink server. */
export async function leakRun(echoPort: number, sinkPort: number): Promise<LeakFigures> {
  const started = performance.now();
  const out = await output(process.execPath, ['--expose-gc', '--import=tsx', new URL('test/fixtures/churn-and-transfer.ts', root).pathname, String(echoPort), String(sinkPort)]);
  const result = JSON.parse(out) as LeakFigures & { failedCycles: number; transferred: boolean; sockets: { connections: number; closing: number } };
  if (result.failedCycles > 0 || !result.transferred || result.sockets.connections + result.sockets.closing > 0) throw new Error(`leak run failed: ${out}`);
  return { mainHeapGrowth: result.mainHeapGrowth, engineHeapGrowth: result.engineHeapGrowth, seconds: (performance.now() - started) / 1000 };
}
