/**
 * serve() request/response throughput: pool threads serving 64 concurrent client
 * connections from a load generator in another process, against peers doing the same
 * work (64-byte requests echoed), each in a process of its own: a raw async node:net
 * server, and Python's socketserver.ThreadingTCPServer (blocking sockets, a thread per
 * connection). Two client patterns: one request per connection (connect, ask, close) and
 * ten requests per connection. Ours as a request handler (connections wait in the engine
 * between requests) and as a connection handler (a thread per connection for its life).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const CONNECTIONS = 64;

export interface ServerProcess {
  port: number;
  pid: number;
  stop(): void;
}

/** A server script in a process of its own; it prints its port and exits when stdin closes. */
export async function startServerProcess(args: string[]): Promise<ServerProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args);
  const port = Number(await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)));
  return { port, pid: child.pid!, stop: () => child.stdin.end() };
}

export function startOurServer(threads = 2, handler?: string, idleTimeoutMs?: number): Promise<ServerProcess> {
  const args = [new URL('./servers/ours.mjs', import.meta.url).pathname, String(threads)];
  if (handler !== undefined) args.push(handler);
  if (idleTimeoutMs !== undefined) args.push('1024', String(idleTimeoutMs));
  return startServerProcess(args);
}

/** The request-handler form of the same work (bench/handlers/reqres-request.mjs). */
export const REQUEST_HANDLER = new URL('./handlers/reqres-request.mjs', import.meta.url).pathname;

/** Python's ThreadingTCPServer doing the same work. */
export async function startPythonThreadingServer(): Promise<ServerProcess> {
  const child = spawn('python3', [new URL('./peers/threading_echo_server.py', import.meta.url).pathname]);
  const port = Number(await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)));
  return { port, pid: child.pid!, stop: () => child.stdin.end() };
}

/** serve({ processes }) with `threads` in each process. */
export function startOurProcesses(processes: number, threads = 2): Promise<ServerProcess> {
  return startServerProcess([new URL('./servers/ours.mjs', import.meta.url).pathname, String(threads), '', '', '', String(processes)]);
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
