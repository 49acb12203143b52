/**
 * Our side of a figure in a process of its own, printing one number: how the bench
 * measures a fresh process (the first round trips) and the forced engine path
 * (TCP_COMMANDS_DIRECT=0 in this process's environment).
 *
 *   tsx bench/ours-child.ts pingpong|first|send|receive PORT [ROUND_TRIPS]
 *
 * `pingpong` prints the median, mean and p99 round trip (oursStatsInChild); the others one number.
 */
import { spawn } from 'node:child_process';
import { oursReceive, oursSend } from './bulk.js';
import { oursPingPong, oursPingPongStats } from './pingpong.js';
import type { Summary } from './stats.js';

const FIRST_TRIPS = 100;

async function main(): Promise<void> {
  const [figure, portText, tripsText] = process.argv.slice(2);
  const port = Number(portText);
  const trips = Number(tripsText ?? 20_000);
  let value: number | string;
  if (figure === 'first') value = oursPingPong(port, FIRST_TRIPS); // no warm-up: the point of it
  else if (figure === 'pingpong') {
    oursPingPong(port, 2000); // warm the engine and the JIT, as the in-process figure does
    const stats = oursPingPongStats(port, trips);
    value = `${stats.p50} ${stats.mean} ${stats.p99}`;
  } else if (figure === 'send') {
    oursSend(port);
    value = oursSend(port);
  } else if (figure === 'receive') {
    oursReceive(port);
    value = oursReceive(port);
  } else throw new Error(`unknown figure ${figure}`);
  process.stdout.write(`${value}\n`);
}

/** Runs `figure` in a new process; `engineOnly` forces the engine path there. Its (first) number. */
export async function oursInChild(figure: string, port: number, engineOnly: boolean, trips?: number): Promise<number> {
  return Number((await childOutput(figure, port, engineOnly, trips)).split(/\s+/)[0]);
}

/** The ping-pong in a new process: median, mean and p99 round trip in microseconds. */
export async function oursStatsInChild(port: number, engineOnly: boolean, trips?: number): Promise<Summary> {
  const [p50, mean, p99] = (await childOutput('pingpong', port, engineOnly, trips)).split(/\s+/).map(Number);
  return { p50: p50!, mean: mean!, p99: p99! };
}

function childOutput(figure: string, port: number, engineOnly: boolean, trips?: number): Promise<string> {
  const env = { ...process.env };
  if (engineOnly) env.TCP_COMMANDS_DIRECT = '0';
  else delete env.TCP_COMMANDS_DIRECT;
  const args = ['--import=tsx', new URL(import.meta.url).pathname, figure, String(port), ...(trips === undefined ? [] : [String(trips)])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${figure} child exited ${code}`))));
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main();
