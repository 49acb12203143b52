/**
 * serve() request/response throughput: 2 pool threads serving 64 concurrent client
 * connections from a load generator in another process, against a raw async node:net
 * server doing the same work (64-byte requests echoed), also in a process of its own.
 * Two client patterns: one request per connection (connect, ask, close: how legacy
 * request handlers are mostly used) and ten requests per connection.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const CONNECTIONS = 64;

export interface ServerProcess {
  port: number;
  stop(): void;
}

/** A server script in a process of its own; it prints its port and exits when stdin closes. */
export async function startServerProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, { env });
  const port = Number(await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)));
  return { port, stop: () => child.stdin.end() };
}

/** `engineOnly`: the server process runs with TCP_COMMANDS_DIRECT=0 (the forced engine path). */
export function startOurServer(threads = 2, engineOnly = false): Promise<ServerProcess> {
  const env = engineOnly ? { ...process.env, TCP_COMMANDS_DIRECT: '0' } : process.env;
  return startServerProcess(['--import=tsx', new URL('./servers/ours.ts', import.meta.url).pathname, String(threads)], env);
}

export function startRawServer(): Promise<ServerProcess> {
  return startServerProcess([new URL('./servers/raw-node.mjs', import.meta.url).pathname]);
}

/** Requests per second the load generator completed against `port` in `seconds`. */
export function loadGenerator(port: number, perConnection: number, seconds: number): Promise<number> {
  const script = new URL('./peers/loadgen.mjs', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, String(port), String(CONNECTIONS), String(perConnection), String(seconds)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      const { perSecond, errors } = JSON.parse(out) as { perSecond: number; errors: number };
      if (errors > 0) return reject(new Error(`load generator saw ${errors} errors`));
      resolve(perSecond);
    });
  });
}
