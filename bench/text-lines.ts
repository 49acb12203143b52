/**
 * Text and lines (issue 26): a 64-character text ping-pong (TCPSend of a string, TCPReceive
 * into a Character holder) beside the same with bytes, both against the threaded Python echo
 * peer, with median, mean and p99; and lines per second of TCPReceiveUntil over a stream of
 * short lines, against node's readline over a net.Socket and Python's buffered readline(),
 * all reading the same source (peers/line_source.py).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TCPClose, TCPConnect, TCPReceive, TCPReceiveUntil, TCPSend } from '../src/index.js';
import { type Peer } from '../test/helpers/peers.js';
import { nodeNetRoundTripSamples } from './pingpong.js';

export const TEXT_CHARACTERS = 64;

/** Median, mean and 99th percentile of round trips, in microseconds. */
export interface Spread {
  p50: number;
  mean: number;
  p99: number;
}

export function spread(nanoseconds: number[]): Spread {
  const sorted = [...nanoseconds].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1000;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length / 1000;
  return { p50: at(0.5), mean, p99: at(0.99) };
}

/** Round trips of 64 characters (as text when `text`, else as 64 bytes) with our commands. */
export function oursTextPingPong(port: number, roundTrips: number, text: boolean): Spread {
  const s = TCPConnect('127.0.0.1', port);
  if (s < 0) throw new Error(`TCPConnect gave ${s}`);
  const message = 'x'.repeat(TEXT_CHARACTERS);
  const out = Buffer.from(message);
  const back = new Uint8Array(TEXT_CHARACTERS);
  const field = { value: '' };
  const samples = new Array<number>(roundTrips);
  for (let i = 0; i < roundTrips; i++) {
    const start = process.hrtime.bigint();
    const sent = text ? TCPSend(s, message) : TCPSend(s, out);
    if (sent !== TEXT_CHARACTERS) throw new Error(`TCPSend gave ${sent}`);
    let got = 0;
    while (got < TEXT_CHARACTERS) {
      const n = text ? TCPReceive(s, field) : TCPReceive(s, back.subarray(got));
      if (n <= 0) throw new Error(`TCPReceive gave ${n}`);
      got += n;
    }
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  TCPClose(s);
  return spread(samples);
}

/** The line source (peers/line_source.py) sending `lines` lines of 61 bytes to each connection. */
export function startLineSource(lines: number): Promise<Peer> {
  const script = fileURLToPath(new URL('./peers/line_source.py', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, String(lines)]);
    child.stderr.pipe(process.stderr);
    const reader = createInterface({ input: child.stdout });
    reader.once('line', (line) =>
      resolve({
        port: Number(line),
        lines: [],
        process: child,
        nextLine: () => Promise.reject(new Error('the line source prints nothing more')),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.stdin.end();
          }),
      }),
    );
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`line source exited ${code}`)));
  });
}

/** Lines per second of TCPReceiveUntil(s, buffer, '\n') until the source closes; checks the count. */
export function oursLines(port: number, expected: number): number {
  const s = TCPConnect('127.0.0.1', port);
  if (s < 0) throw new Error(`TCPConnect gave ${s}`);
  const line = new Uint8Array(256);
  let lines = 0;
  const start = process.hrtime.bigint();
  for (;;) {
    const n = TCPReceiveUntil(s, line, '\n');
    if (n === 0) break;
    if (n < 0) throw new Error(`TCPReceiveUntil gave ${n}`);
    if (line[n - 1] !== 10) throw new Error(`a line of ${n} bytes without its newline`);
    lines++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  TCPClose(s);
  if (lines !== expected) throw new Error(`read ${lines} lines of ${expected}`);
  return lines / seconds;
}

/** Lines per second of node's readline over a net.Socket. */
export function nodeReadlineLines(port: number, expected: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let lines = 0;
    let start = 0n;
    socket.once('connect', () => (start = process.hrtime.bigint()));
    const reader = createInterface({ input: socket, crlfDelay: Infinity });
    reader.on('line', () => lines++);
    reader.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (lines !== expected) reject(new Error(`readline read ${lines} lines of ${expected}`));
      else resolve(lines / seconds);
    });
    socket.once('error', reject);
  });
}

/** Lines per second of Python's buffered readline() (peers/line_reader.py). */
export function pythonReadlineLines(port: number): Promise<number> {
  const script = fileURLToPath(new URL('./peers/line_reader.py', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, String(port)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`python exited ${code}`))));
  });
}

/** Round trips of 64 bytes with a raw node:net client: median, mean and p99. */
export async function nodeNetSpread(port: number, roundTrips: number): Promise<Spread> {
  return spread(await nodeNetRoundTripSamples(net.connect({ port, host: '127.0.0.1', noDelay: true }), roundTrips));
}

type Interleaved = (name: string, measure: () => Promise<Record<string, number>>) => Promise<Record<string, number>>;
type FigureRow = { figure: string; ours: number; peers: Record<string, number>; unit: string; better: 'lower' | 'higher' };

/** `npm run bench -- text`: the text ping-pong beside the byte one and node:net, median, mean and p99. */
export async function textFigure(interleaved: Interleaved, echoPort: number, roundTrips: number): Promise<FigureRow[]> {
  oursTextPingPong(echoPort, 500, true); // warm the JIT and the spins
  oursTextPingPong(echoPort, 500, false);
  const m = await interleaved('text ping-pong', async () => {
    const text = oursTextPingPong(echoPort, roundTrips, true);
    const bytes = oursTextPingPong(echoPort, roundTrips, false);
    const node = await nodeNetSpread(echoPort, roundTrips);
    return {
      'text p50': text.p50, 'text mean': text.mean, 'text p99': text.p99,
      'bytes p50': bytes.p50, 'bytes mean': bytes.mean, 'bytes p99': bytes.p99,
      'node p50': node.p50, 'node mean': node.mean, 'node p99': node.p99,
    };
  });
  return (['p50', 'mean', 'p99'] as const).map((column) => ({
    figure: `64-character text ping-pong (TCPSend of a string, TCPReceive into a Character field), ${column}`,
    ours: m[`text ${column}`]!,
    peers: { 'ours, 64 bytes': m[`bytes ${column}`]!, 'node:net, 64 bytes': m[`node ${column}`]! },
    unit: 'us',
    better: 'lower',
  }));
}

/** `npm run bench -- lines`: TCPReceiveUntil on `lines` short lines against node's readline and Python's readline(). */
export async function linesFigure(interleaved: Interleaved, lines: number): Promise<FigureRow[]> {
  const source = await startLineSource(lines);
  try {
    oursLines(source.port, lines); // warm
    const m = await interleaved('lines', async () => ({
      ours: oursLines(source.port, lines),
      readline: await nodeReadlineLines(source.port, lines),
      python: await pythonReadlineLines(source.port),
    }));
    return [
      {
        figure: `lines per second, ${lines.toLocaleString('en')} lines of 61 bytes (TCPReceiveUntil into a Uint8Array)`,
        ours: m.ours!,
        peers: { "node readline over net.Socket": m.readline!, "Python makefile('rb').readline()": m.python! },
        unit: 'lines/s',
        better: 'higher',
      },
    ];
  } finally {
    await source.stop();
  }
}
