/**
 * A serving process of serve({ processes }): serve() on the inherited listening socket
 * (messages.ts LISTEN_FD), counts sent up to the supervisor, and a graceful drain when
 * told (reload, close) or when the supervisor is gone.
 *
 * Drain: the engine stops taking connections from the shared socket (the 'accepting'
 * option: this process's descriptor closes, the kernel queue stays with the others), and
 * every connection it had already taken is served to its end: a connection handler's
 * until it returns, a request handler's until its client closes it or it waits for its
 * next request longer than `drainIdleTimeout` (engine/request-server.ts). Once the
 * listener holds none (the 'held' option), or the grace period ends, serve()'s close()
 * ends the rest: what is still held then is abandoned (reset or closed).
 *
 * The listener also writes its count of held connections to HELD_FD at every change
 * (the 'heldfd' option): if this process dies, the supervisor reads there what it lost.
 */
import { TCPGetOption, TCPSetOption } from '../commands/socket-options.js';
import type { TcpServer } from '../serve-types.js';
import { serveInProcess } from './in-process.js';
import { recordSink } from '../operate/log.js';
import { type ChildStats, type FromChild, HELD_FD, LISTEN_FD, type ToChild } from '../scale/messages.js';

const STATS_INTERVAL_MS = 100;
/** After the supervisor disappears, how long the connections in hand may take. */
const ORPHAN_GRACE_MS = 10_000;

function tell(message: FromChild, then?: () => void): void {
  if (process.connected) process.send!(message, undefined, {}, () => then?.());
  else then?.();
}

/** serve()'s listening socket number (a private field of its server, read here only). */
function listenerOf(server: TcpServer): number {
  return (server as unknown as { listener: number }).listener;
}

/** serve({ processes, metrics }): the supervisor serves metrics, so each child sends what they are made of. */
let measured = false;

function statsOf(server: TcpServer): ChildStats {
  if (measured) {
    const { stats, threadDeaths, durations, engine } = server.figures();
    return { ...stats, proxyRefused: stats.proxyRefused ?? 0, threadDeaths, durations, engine };
  }
  return { ...server.stats(), proxyRefused: Math.max(0, Number(TCPGetOption(listenerOf(server), 'proxyrefused'))) };
}

let server: TcpServer | undefined;
let draining = false;
let ticker: NodeJS.Timeout | undefined;

async function start(options: Extract<ToChild, { type: 'start' }>['options']): Promise<void> {
  try {
    const { unixAddress, ...serveOptions } = options;
    measured = serveOptions.metrics === true;
    // The address of a Unix-domain socket names it for the addresses the handlers see; the descriptor is what it listens on.
    server = await serveInProcess({ ...serveOptions, address: unixAddress, listenFd: LISTEN_FD, heldFd: HELD_FD, log: recordSink((message) => tell({ type: 'log', message })) });
  } catch (error) {
    tell({ type: 'failed', message: (error as Error).message }, () => process.exit(1));
    return;
  }
  ticker = setInterval(() => tell({ type: 'stats', stats: statsOf(server!) }), STATS_INTERVAL_MS);
  tell({ type: 'stats', stats: statsOf(server) });
  tell({ type: 'ready' });
}

async function drain(graceMs: number): Promise<void> {
  if (draining) return;
  draining = true;
  if (server === undefined) return process.exit(0);
  const deadline = Date.now() + graceMs;
  const listener = listenerOf(server);
  TCPSetOption(listener, 'accepting', 0);
  // What this engine took from the kernel before it stopped is served here to its end.
  const held = (): number => Math.max(0, Number(TCPGetOption(listener, 'held')));
  while (held() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const left = held();
  const stats = statsOf(server);
  const closed = await server.close(Math.max(0, deadline - Date.now()));
  clearInterval(ticker);
  // Past the grace period, the connections still held are ended by close(): running
  // handlers' are reset, those waiting (idle, or for a thread) closed. Each is abandoned.
  const abandoned = Math.max(closed.abandoned, left);
  tell({ type: 'closed', completed: closed.completed, abandoned, stats: { ...stats, ...finalCounts(server, stats) } }, () => process.exit(0));
}

/** After close: the running/queued are gone, the totals are final. */
function finalCounts(s: TcpServer, before: ChildStats): Partial<ChildStats> {
  const after = s.stats();
  return { accepted: after.accepted, completed: after.completed, failed: after.failed, running: 0, threads: 0, busyThreads: 0, queued: 0, idle: 0, refused: Math.max(before.refused, after.refused) };
}

// The supervisor coordinates: a terminal's Ctrl-C or a service manager's SIGTERM to the
// whole group must not kill the serving processes before they drain.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

process.on('message', (message: ToChild) => {
  if (message.type === 'start') void start(message.options);
  else if (message.type === 'drain') void drain(message.graceMs);
});
process.on('disconnect', () => void drain(ORPHAN_GRACE_MS));
