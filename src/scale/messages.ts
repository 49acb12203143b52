/**
 * What the supervising process (processes.ts) and each serving process (child.ts) say to
 * each other over the fork IPC channel. The listening socket itself is not a message: it
 * is descriptor LISTEN_FD of every child, inherited at fork.
 */
import type { ServeOptions, ServeStats } from '../serve-types.js';
import type { EngineFigures } from '../operate/metrics.js';
import type { LogEntry } from '../operate/log.js';

/** The shared listening socket's descriptor number in every child (as systemd's socket activation uses 3). */
export const LISTEN_FD = 3;
/** Each child's own file for its count of held connections (the `heldfd` option), read by the supervisor when it dies. */
export const HELD_FD = 4;

/**
 * A child's counts: serve()'s, and the listener's PROXY refusals; with metrics (the
 * supervisor's `metrics`), also its threads, thread deaths, handler call durations and
 * engine figures.
 */
export type ChildStats = ServeStats & {
  proxyRefused: number;
  threadDeaths?: number;
  durations?: number[] | undefined;
  engine?: EngineFigures | undefined;
};

/** The options a child serves with: the serializable part of ServeOptions. */
export type ChildServeOptions = Omit<ServeOptions, 'pool' | 'log' | 'processes' | 'port' | 'address' | 'mode' | 'listenFd' | 'heldFd' | 'handler'> & {
  handler: string;
  /** The shared socket's path or '@name' when it is a Unix-domain one (the child's listener reports it as its address). */
  unixAddress?: string | undefined;
};

export type ToChild =
  | { type: 'start'; options: ChildServeOptions }
  /** Stop accepting, finish the connections within graceMs, report 'closed', exit. */
  | { type: 'drain'; graceMs: number };

export type FromChild =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'stats'; stats: ChildStats }
  | { type: 'log'; message: LogEntry }
  | { type: 'closed'; completed: number; abandoned: number; stats: ChildStats };
