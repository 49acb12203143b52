/** TCPAvailable, TCPWait and TCPStats (extensions from Maxon, 4D and diagnostics). */
import type { EngineStats } from '../engine-stats.js';
import { Op } from '../protocol.js';
import { command, run } from './command.js';
import { socketCommand, waitCommand } from './socket-call.js';

const AVAILABLE = socketCommand('TCPAvailable', Op.Available);

/** Bytes received on a connection and not read yet (a read of that many will not block). */
export function TCPAvailable(socket: number): number {
  return run(AVAILABLE, arguments.length, socket);
}

const WAIT = waitCommand('TCPWait', Op.Wait);

/**
 * Blocks until the peer closes its side of the connection (0: what it sent before is
 * still there to read), the connection fails (its error), or `timeout` ms pass (-522).
 * `timeout` omitted or 'infinite': no limit.
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
 * The engine's figures: open sockets by kind, requests parked, bytes in and out, engine
 * restarts, slots, its heap. An error code when there is no engine.
 */
export function TCPStats(): EngineStats | number {
  return run(STATS, arguments.length);
}
