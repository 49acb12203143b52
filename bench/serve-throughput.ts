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
import type { Switches } from './switches.js';

const CONNECTIONS = 64;

export interface ServerProcess {
  port: number;
  pid: number;
  stop(): void;
  /**
   * The server's own getrusage(RUSAGE_SELF) context switches so far (every thread, ended
   * ones too), asked with a line `rusage` on its stdin; servers that do not answer it
   * (the TLS, length-echo and cluster ones) leave the promise pending: ask only ours.mjs
   * (processes: 1), raw-node.mjs and threading_echo_server.py.
   */
  rusage(): Promise<Switches>;
}

function serverProcess(child: ChildProcessWithoutNullStreams): Promise<ServerProcess> {
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = (): Promise<string> => new Promise((resolve) => waiting.push(resolve));
  return nextLine().then((port) => ({
    port: Number(port),
    pid: child.pid!,
    stop: () => child.stdin.end(),
    rusage: async () => {
      const answer = nextLine();
      child.stdin.write('rusage\n');
      return JSON.parse(await answer) as Switches;
    },
  }));
}

/** A server script in a process of its own; it prints its port and exits when stdin closes. */
export function startServerProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  return serverProcess(spawn(process.execPath, args, { env }));
}

export function startOurServer(threads = 2, handler?: string, idleTimeoutMs?: number): Promise<ServerProcess> {
  const args = [new URL('./servers/ours.mjs', import.meta.url).pathname, String(threads)];
  if (handler !== undefined) args.push(handler);
  if (idleTimeoutMs !== undefined) args.push('1024', String(idleTimeoutMs));
  return startServerProcess(args);
}

/** Our request-handler server with serve({ metrics }) on `metricsPort` (issue 28's overhead figure). */
export function startOurServerWithMetrics(metricsPort: number): Promise<ServerProcess> {
  const args = [new URL('./servers/ours.mjs', import.meta.url).pathname, '2', REQUEST_HANDLER];
  return startServerProcess(args, { ...process.env, BENCH_METRICS_PORT: String(metricsPort) });
}

/** The request-handler form of the same work (bench/handlers/reqres-request.mjs). */
export const REQUEST_HANDLER = new URL('./handlers/reqres-request.mjs', import.meta.url).pathname;

/** Python's ThreadingTCPServer doing the same work. */
export function startPythonThreadingServer(): Promise<ServerProcess> {
  return serverProcess(spawn('python3', [new URL('./peers/threading_echo_server.py', import.meta.url).pathname]));
}

/** serve({ processes }) with `threads` in each process (a connection handler unless `handler` is given). */
export function startOurProcesses(processes: number, threads = 2, handler = ''): Promise<ServerProcess> {
  return startServerProcess([new URL('./servers/ours.mjs', import.meta.url).pathname, String(threads), handler, '', '', String(processes)]);
}

/** A node:cluster server of `workers` processes doing the raw node:net server's work. */
export function startClusterServer(workers = 2): Promise<ServerProcess> {
  return startServerProcess([new URL('./servers/cluster-node.mjs', import.meta.url).pathname, String(workers)]);
}

export function startRawServer(): Promise<ServerProcess> {
  return startServerProcess([new URL('./servers/raw-node.mjs', import.meta.url).pathname]);
}

/** Requests per second the load generator completed against `port` in `seconds`. */
export async function loadGenerator(port: number, perConnection: number, seconds: number): Promise<number> {
  return (await loadRun(port, perConnection, seconds)).perSecond;
}

export interface LoadRun {
  perSecond: number;
  /** Requests answered in all. */
  completed: number;
}

/** The load generator's run against `port`: requests per second and requests answered. */
export function loadRun(port: number, perConnection: number, seconds: number): Promise<LoadRun> {
  const script = new URL('./peers/loadgen.mjs', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, String(port), String(CONNECTIONS), String(perConnection), String(seconds)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      const { perSecond, completed, errors } = JSON.parse(out) as { perSecond: number; completed: number; errors: number };
      if (errors > 0) return reject(new Error(`load generator saw ${errors} errors`));
      resolve({ perSecond, completed });
    });
  });
}
