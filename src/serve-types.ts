/**
 * What serve() promises its callers, in one leaf module: its options, stats and server
 * object, and the handler signatures. The server layer (src/server/) implements it, the
 * process supervisor (src/scale/) too; both import it, it imports neither, so the layers'
 * imports point one way.
 */
import type { DatagramSender } from './commands/datagram.js';
import type { LogLevel, LogOption } from './operate/log.js';
import type { Health } from './operate/agent.js';
import type { MetricsOptions, ServeFigures } from './operate/metrics.js';
import type { Pool } from './pool/pool.js';

export interface Peer {
  address: string;
  port: number;
}

/** The signature of a serve() handler module's default export: it owns the connection. */
export type ConnectionHandler = (socket: number, peer: Peer) => unknown;
/** The signature of a request handler (`export function request`): one request, then return. */
export type RequestHandler = (socket: number, peer: Peer) => unknown;

/**
 * The signature of a datagram handler (`export function datagram`, serve({ udp: true })):
 * one datagram, its bytes and sender (`size` its full length); the answer, if any, goes
 * with UDPSendTo(socket, from.address, from.port, reply).
 */
export type DatagramHandler = (socket: number, data: Uint8Array, from: DatagramSender) => unknown;

export type HandlerKind = 'request' | 'connection' | 'datagram';

/** The default per-connection time-out (idle receive, stalled send inside a handler), ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default time a request handler's connection may wait for its next request, ms. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/**
 * The same while the process drains (processes: reload, close), ms: well above a client's
 * pause between the requests of a loop, well below the grace period.
 */
export const DEFAULT_DRAIN_IDLE_TIMEOUT_MS = 2_000;

export interface ServeOptions {
  /**
   * The handler module: `export function request(socket, { address, port })` (called per
   * request; it wins when both are exported) or a default export (called per connection).
   */
  handler: string | URL;
  /** Port number or service name; 0 (the default) lets the OS choose. */
  port?: number | string;
  /**
   * Local address to listen on; all interfaces by default. A path ('/run/app.sock') or
   * '@name' listens on a Unix-domain socket instead (`port` is not used).
   */
  address?: string;
  /** A Unix-domain socket file's permissions (0o660: owner and group may connect); the umask's by default. */
  mode?: number;
  /**
   * Connections that may wait for a free thread (the listen backlog, default 64); beyond
   * them, new connections are refused (reset) and counted. (Connection handlers; request
   * handlers' connections wait in the engine, without this bound.)
   */
  backlog?: number;
  /** Pool threads serving connections (default 2); with `pool`, that many of its threads. */
  threads?: number;
  /**
   * Every connection's own time-out, ms (the socket option `timeout`): a TCPReceive that
   * waits, or a TCPSend that stalls, longer gives -522 in the handler. Default 30 s;
   * 'infinite' for none.
   */
  timeout?: number | 'infinite';
  /**
   * Request handlers: how long a connection may wait in the engine for its next request,
   * ms; then the engine closes it (no thread involved). Default 60 s; 'infinite' for none.
   */
  idleTimeout?: number | 'infinite';
  /**
   * Request handlers with `processes`: while a process drains (a reload, close), a
   * connection it holds goes on being served, and is closed only once it has waited this
   * long for its next request, ms (or the client closes it, or `graceMs` ends). Default
   * 2000; 'infinite': until `graceMs` ends.
   */
  drainIdleTimeout?: number | 'infinite';
  /** Server-side TLS: certificate and key, PEM text or file names. */
  cert?: string;
  key?: string;
  /** TLS client certificates (the listener option `verifyclient`): 0 none (default), 1 request, 2 require. */
  verifyClient?: 0 | 1 | 2;
  /** The folder of CAs client certificates are verified against (the `clientca` option); default the trust store folder. */
  clientCa?: string;
  /** Certificates by server name (the `sni` option): 'a.example=a.pem,a.key; b.example=b.pem,b.key'. */
  sni?: string;
  /** A pool to share: `threads` of its threads are taken for as long as the server runs. */
  pool?: Pool;
  /** Each connection starts with a PROXY protocol header from a load balancer (docs/scaling.md). */
  proxy?: boolean;
  /**
   * Run N processes sharing the port, each with its own engine and `threads` pool threads;
   * this process only supervises them. Omitted: everything in this process.
   */
  processes?: number;
  /** With `processes`: how long a draining process (reload, close) may finish its connections, ms (default 10 s). */
  graceMs?: number;
  /**
   * An inherited descriptor of a bound (or listening) socket to listen on instead of
   * binding: systemd's socket activation (descriptor 3; `tcpcmd serve` does it), or set by
   * `processes` in each child. With `processes`, the socket the children share.
   */
  listenFd?: number;
  /** A descriptor of a file where the listener keeps its count of held connections (the `heldfd` option; set by `processes` in each child). */
  heldFd?: number;
  /**
   * Prometheus metrics (docs/operating.md): `{ port, address }` serves them over HTTP
   * at `/metrics` (with `processes`, from this process, added up over the children);
   * `true` only times the handler calls, for tcpCommandsCollector(registry, server) in a
   * registry of your own. Off by default.
   */
  metrics?: boolean | MetricsOptions;
  /**
   * HAProxy agent-check (docs/operating.md): a TCP port answering each connection with
   * one line, `up ready N%` (N: the share of threads free), `drain` (closing, reloading) or
   * `down` (no thread can serve), then closing it. With `processes`, served by this process.
   */
  agentPort?: number;
  /** The agent's local address; all interfaces by default. */
  agentAddress?: string;
  /**
   * Where failures are reported (a handler that threw, a failed TLS handshake, a thread
   * that died): stderr as text by default; 'json': stderr, one JSON object per line; a
   * function: called with each text line. Repeats are limited at the source for all three
   * (a few lines per kind per 10 s, then a summary).
   */
  log?: LogOption;
  /** The least severe level logged: 'error', 'warn' (e.g. TLS handshake failures) or 'info' (the default: everything). */
  logLevel?: LogLevel;
  /**
   * Serve datagrams (UDP) instead of connections: the module exports
   * `datagram(socket, data, from)`, called on a pool thread per datagram; it answers with
   * UDPSendTo(socket, from.address, from.port, reply). `address` (default '': every
   * IPv4 interface, as UDPOpen's; '::' both families), `port`, `threads`, `pool` and
   * `log` apply; not with `processes`, `cert`/`key` or `proxy`.
   */
  udp?: boolean;
}

export interface ServeStats {
  /** Which kind of handler the module exports. */
  handler: HandlerKind;
  /** Connections accepted (handed to a connection handler, or put under the engine's watch). */
  accepted: number;
  /** Handlers running now (threads busy in a call). */
  running: number;
  /** Threads serving now: their handler loaded, not dead (a thread being restarted is not counted). */
  threads: number;
  /** The same: threads busy in a handler call now. */
  busyThreads: number;
  /** Connections waiting for a free thread (request handlers: with bytes to read). */
  queued: number;
  /** Request handlers: connections waiting in the engine for their next request, no thread held. */
  idle: number;
  /** Request handlers: calls that returned. */
  requests: number;
  /** Connections reset because `backlog` of them were already waiting. */
  refused: number;
  /** Handlers that threw (their sockets were reset), or whose thread died. */
  failed: number;
  /** Connection handlers that returned. */
  completed: number;
  /** TLS clients whose handshake failed (never handed to a handler). */
  handshakeFailures: number;
  /** udp: datagram handler calls that returned (ones that threw count in `failed`). */
  datagrams: number;
  /** udp: datagrams lost because they came faster than the threads took them (the socket's `dropped`). */
  dropped: number;
}

export interface CloseResult {
  completed: number;
  /** Connections whose handlers were still running at the time-out; their sockets were reset. */
  abandoned: number;
}

export interface TcpServer {
  readonly port: number;
  readonly address: string;
  /** With `metrics: { port }`: the port `/metrics` is served on (the chosen one for port 0). */
  readonly metricsPort?: number | undefined;
  /** With `agentPort`: the port of the HAProxy agent (the chosen one for port 0). */
  readonly agentPort?: number | undefined;
  /** What the agent-check says now: up (with a weight), drain or down. */
  health(): Health;
  stats(): ServeStats;
  /** What metrics are made of (tcpCommandsCollector reads it): stats() and the figures it lacks. */
  figures(): ServeFigures;
  /** With `processes`: new processes with the handler loaded afresh, then the old ones drain (SIGHUP in tcpcmd serve). */
  reload?(): Promise<void>;
  /**
   * TLS: reads the cert, key, sni and client CA files again; new handshakes use them,
   * established connections keep theirs. Rejects (the old ones go on) when they do not
   * make a TLS server. With `processes`: reload(), whose new processes read the files.
   */
  reloadCertificates?(): Promise<void>;
  /** Stops accepting, waits up to `timeoutMs` (default 10 s) for running handlers. */
  close(timeoutMs?: number): Promise<CloseResult>;
}

