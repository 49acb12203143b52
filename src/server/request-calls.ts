/**
 * The engine calls of serve()'s request handlers (engine side: src/engine/request-server.ts):
 * put a listener's connections under the engine's watch, take the next connection that
 * has bytes (handing back the previous one in the same call: one engine hop per request
 * for the dispatch), and read the watch's counts.
 */
import { openChannel } from '../channel/caller.js';
import { NO_TIMEOUT, Op } from '../protocol.js';

export interface ReadyConnection {
  socket: number;
  address: string;
  port: number;
}

/**
 * The listener's connections (those it holds already first) wait in the engine from now
 * on. Time-outs in ms, undefined for none: between requests, and between requests once
 * the listener stops accepting (a draining process). Returns the server's board
 * (protocol.ts Board; NO_BOARD when every board is taken) or an error code.
 */
export function watchConnections(listener: number, idleTimeoutMs: number | undefined, drainIdleMs?: number): number {
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(Op.ServeRequests, listener, idleTimeoutMs ?? NO_TIMEOUT, drainIdleMs ?? NO_TIMEOUT);
}

/**
 * Hands `handBack` (0: none) back to the watch, then blocks until a connection of the
 * listener has bytes to read. An error code when the listener closed (-10053, -509).
 */
export function nextReadyConnection(listener: number, handBack: number): ReadyConnection | number {
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const socket = channel.call(Op.NextRequest, listener, handBack);
  return socket < 0 ? socket : { socket, address: channel.replyText(), port: channel.replyArg };
}

export interface WatchCounts {
  /** Connections waiting in the engine for their next request, no thread held. */
  idle: number;
  /** Connections with bytes waiting for a free thread. */
  ready: number;
  handshakeFailures: number;
  /** Connections that arrived since the watch began. */
  accepted: number;
}

export function watchCounts(listener: number): WatchCounts | undefined {
  const channel = openChannel();
  if (typeof channel === 'number') return undefined;
  if (channel.call(Op.RequestCounts, listener) < 0) return undefined;
  const [idle = 0, ready = 0, handshakeFailures = 0, accepted = 0] = channel.replyText().split(' ').map(Number);
  return { idle, ready, handshakeFailures, accepted };
}
