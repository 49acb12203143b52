/** TCPAvailable, TCPWait and TCPStats (extensions from Maxon, 4D and diagnostics). */
import type { EngineStats } from '../engine-stats.js';
import { Op } from '../protocol.js';
import { command, run } from './command.js';
import { socketCommand, waitCommand } from './socket-call.js';

const AVAILABLE = socketCommand('TCPAvailable', Op.Available);

/**
 * Bytes received on a connection and held in the engine, not read yet (a TCPReceive into
 * a byte buffer of that size will not wait). On a datagram socket: the length of the
 * next datagram (0 when none has come).
 * @param socket - a socket number
 * @returns the count of bytes, or an error code: -10057 a listener or an unbound socket, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPAvailable(socket: number): number {
  return run(AVAILABLE, arguments.length, socket);
}

const WAIT = waitCommand('TCPWait', Op.Wait);

/**
 * Blocks until the peer closes its side of the connection (what it sent before is still
 * there to read), the connection fails, or `timeout` ms pass. Waits on a non-blocking
 * socket too (an extension, after 4D).
 * @param socket - a connected socket number
 * @param timeout - ms; omitted or 'infinite': no limit; 0: answer at once
 * @returns 0 once the peer has closed, or an error code: the connection's error (e.g. -10054), -522 `timeout` passed, -10053 another thread closed the socket, -10057 a listener, -10022 a time-out out of range, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPWait(socket: number, timeout?: number | 'infinite'): number {
  return run(WAIT, arguments.length, socket, timeout);
}

export type { EngineStats };

const STATS = command({
  name: 'TCPStats', min: 0, max: 0,
  rules: [],
  core: (channel): EngineStats | number => {
    const result = channel.call(Op.Stats, 0);
    return result < 0 ? result : (JSON.parse(channel.replyText()) as EngineStats);
  },
});

/**
 * The engine's figures: open sockets by kind, requests parked, bytes in and out, direct
 * calls, engine calls and restarts, slots, lifelines, its heap and event-loop delay. An
 * extension, for diagnostics and metrics.
 * @returns the figures, or an error code: -503 called with arguments, -10050 no engine
 */
export function TCPStats(): EngineStats | number {
  return run(STATS, arguments.length);
}
