/** test/peers/unix_peer.py's echo server (Python AF_UNIX) on a path or '@name', as a child process. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const unixPeerScript = new URL('../peers/unix_peer.py', import.meta.url).pathname;

/** Starts the echo server on `address`; resolves once it listens. */
export function startPythonUnixEcho(address: string): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn('python3', [unixPeerScript, 'echo', address], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`unix_peer.py echo exited ${code}: ${stderr}`)));
  });
}

/** Ends the echo server (it exits when its stdin closes). */
export function stopPythonUnixEcho(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin.end();
  });
}
