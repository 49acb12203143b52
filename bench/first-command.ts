/**
 * The first command of a process: how long the first TCPConnect takes in a fresh
 * process, engine start included (the compiled library, as an installed package runs).
 */
import { spawn } from 'node:child_process';

export function firstCommandMs(port: number): Promise<number> {
  const script = `
    import { TCPConnect } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
    const started = performance.now();
    const s = TCPConnect('127.0.0.1', ${port});
    const elapsed = performance.now() - started;
    if (s < 0) process.exit(1);
    console.log(elapsed);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`exited ${code}`))));
  });
}
