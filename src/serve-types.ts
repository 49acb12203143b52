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

/**
 * A client as a handler sees it: its address and port (behind a PROXY-protocol balancer,
 * the client's own; on a Unix-domain socket the path and 0).
 */
export interface Peer {
  /** The client's address. */
  address: string;
  /** The client's port. */
  port: number;
}

/**
 * The signature of a serve() handler module's default export: it owns the connection
 * until it returns; then serve() closes the socket (unless the handler did).
 * @param socket - the connection's socket number
 * @param peer - the client's address and port
 * @returns ignored (a returned promise is not awaited)
 */
export type ConnectionHandler = (socket: number, peer: Peer) => unknown;
/**
 * The signature of a request handler (`export function request`): called when the
 * connection has bytes to read; it reads one request (or several), answers, and returns
 * at a message boundary. Between calls the connection waits in the engine, holding no thread.
 * @param socket - the connection's socket number
 * @param peer - the client's address and port
 * @returns ignored (a returned promise is not awaited)
 */
export type RequestHandler = (socket: number, peer: Peer) => unknown;

/**
 * The signature of a datagram handler (`export function datagram`, serve({ udp: true })):
 * one datagram, its bytes and sender; the answer, if any, goes with
 * UDPSendTo(socket, from.address, from.port, reply).
 * @param socket - the server's datagram socket
 * @param data - the datagram's bytes (a new array: the handler may keep it)
 * @param from - its sender's address and port, and its full length (`size`)
 * @returns ignored
 */
export type DatagramHandler = (socket: number, data: Uint8Array, from: DatagramSender) => unknown;

/** Which kind of handler a module exports: `request`, a default export (`connection`), or `datagram`. */
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

/** serve()'s options: the handler module, and where and how to serve it. */
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
  /** Server-side TLS: the certificate (chain), PEM text or a file name (relative to the working directory). */
  cert?: string;
  /** Server-side TLS: the private key, PEM text or a file name. */
  key?: string;
  /** TLS client certificates (the listener option `verifyclient`): 0 none (default), 1 request, 2 require. */
  verifyClient?: 0 | 1 | 2;
  /** The folder of CAs client certificates are verified against (the `clientca` option); default the trust store folder. */
  clientCa?: string;
  /** Certificates by server name (the `sni` option): 'a.example=a.pem,a.key; b.example=b.pem,b.key'. */
  sni?: string;
  /** A pool to share: `threads` of its threads are taken for as long as the server runs. */
  pool?: Pool;
  /**
   * Each connection starts with a PROXY protocol header (v1 or v2) from a load balancer in
   * front; the handler's `peer` is then the client's address. Only the balancer may reach
   * such a listener: a connection without a valid header is reset.
   */
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
   * Prometheus metrics (`tcp_commands_` names): `{ port, address }` serves them over HTTP
   * at `/metrics` (with `processes`, from this process, added up over the children);
   * `true` only times the handler calls, for tcpCommandsCollector(registry, server) in a
   * registry of your own. Off by default.
   */
  metrics?: boolean | MetricsOptions;
  /**
   * HAProxy agent-check: a TCP port answering each connection with
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

/** A server's counts, from `stats()`. */
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

/** What `close()` reports. */
export interface CloseResult {
  /** Handlers that finished before the time-out. */
  completed: number;
  /** Connections whose handlers were still running at the time-out; their sockets were reset. */
  abandoned: number;
}

/** A running server, as serve() resolves to it. */
export interface TcpServer {
  /** The port listened on (the chosen one for port 0; 0 on a Unix-domain socket). */
  readonly port: number;
  /** The address listened on (a Unix-domain socket's path). */
  readonly address: string;
  /** With `metrics: { port }`: the port `/metrics` is served on (the chosen one for port 0). */
  readonly metricsPort?: number | undefined;
  /** With `agentPort`: the port of the HAProxy agent (the chosen one for port 0). */
  readonly agentPort?: number | undefined;
  /**
   * What the agent-check says now.
   * @returns up (with a weight), drain or down
   */
  health(): Health;
  /**
   * The server's counts now.
   * @returns accepted, requests, completed, failed, refused, threads, ...
   */
  stats(): ServeStats;
  /**
   * What metrics are made of (tcpCommandsCollector reads it): stats() and the figures it lacks.
   * @returns the figures
   */
  figures(): ServeFigures;
  /**
   * With `processes`: new processes with the handler loaded afresh, then the old ones drain
   * (SIGHUP in tcpcmd serve).
   * @returns a promise resolved once the new processes accept; it rejects (the old ones go on serving) when they cannot start
   */
  reload?(): Promise<void>;
  /**
   * TLS: reads the cert, key, sni and client CA files again; new handshakes use them,
   * established connections keep theirs. With `processes`: reload(), whose new processes
   * read the files.
   * @returns a promise resolved once reloaded; it rejects (the old ones go on) when they do not make a TLS server
   */
  reloadCertificates?(): Promise<void>;
  /**
   * Stops accepting (connections waiting or idle are closed) and waits for running handlers;
   * at the time-out their sockets are reset and they are counted as abandoned.
   * @param timeoutMs - ms to wait for running handlers (default 10 s)
   * @returns a promise of the counts of handlers completed and abandoned
   */
  close(timeoutMs?: number): Promise<CloseResult>;
}

