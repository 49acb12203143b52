/**
 * 10,000 idle connections: memory per socket held (ours, in a process of its own, against
 * raw node:net in another), and our ping-pong on one active socket while they are held,
 * against the same process's ping-pong before opening them.
 */
import { spawn } from 'node:child_process';

export interface IdleFigures {
  /** RSS growth per idle connection, bytes. */
  bytesPerSocket: number;
  /** Ping-pong before / with the idle connections held (us); ours only. */
  pingPongAlone?: number;
  pingPongWithIdle?: number;
}

function runFigures(args: string[]): Promise<IdleFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as IdleFigures) : reject(new Error(`idle run exited ${code}: ${err}`))));
  });
}

export function oursIdle(holderPort: number, echoPort: number, count: number): Promise<IdleFigures> {
  return runFigures(['--import=tsx', new URL('./idle/ours.ts', import.meta.url).pathname, String(holderPort), String(echoPort), String(count)]);
}

export function rawIdle(holderPort: number, count: number): Promise<IdleFigures> {
  return runFigures([new URL('./idle/raw.mjs', import.meta.url).pathname, String(holderPort), String(count)]);
}
