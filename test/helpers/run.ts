/** Running a child process to its end, for peers that are clients and for fixtures. */
import { spawn } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  /** Resolves when the child exits. */
  done: Promise<Finished>;
}

export function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Running {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return { done };
}

/** A TypeScript fixture under test/fixtures, run by node with tsx. */
export function runFixture(name: string, args: string[] = [], env?: NodeJS.ProcessEnv): Running {
  return run(process.execPath, ['--import=tsx', `test/fixtures/${name}`, ...args], env);
}
