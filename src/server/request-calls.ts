/**
 * The engine calls of serve()'s request handlers (engine side: src/engine/request-server.ts):
 * put a listener's connections under the engine's watch, take the next connection that
 * has bytes (handing back the previous one in the same call: one engine hop per request
 * for the dispatch), and read the watch's counts.
 */
import { openChannel } from '../channel/caller.js';
import { currentRegistry } from '../channel/engine-host.js';
import { Board, BOARD_HAND_BACKS, BOARD_LOOPS, NO_BOARD, NO_TIMEOUT, Op, Reg, serveBoardBase } from '../protocol.js';
import { BoardRing } from '../board-ring.js';

export interface ReadyConnection {
  socket: number;
  address: string;
  port: number;
}

/**
 * The listener's connections (those it holds already first) wait in the engine from now
 * on. Time-outs in ms, undefined for none: between requests, and between requests once
 * the listener stops accepting (a draining process); `loops`: how many threads take its
 * connections (the engine wakes a parked one only while fewer run than there are cores;
 * 0: not known). Returns the server's board
 * (protocol.ts Board; NO_BOARD when every board is taken) or an error code.
 */
export function watchConnections(listener: number, idleTimeoutMs: number | undefined, drainIdleMs?: number, loops = 0): number {
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(Op.ServeRequests, listener, idleTimeoutMs ?? NO_TIMEOUT, drainIdleMs ?? NO_TIMEOUT, loops);
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

const rings = new Map<number, BoardRing>();

/**
 * Whether board `board` is still listener `listener`'s: a closed server's board is freed
 * (Owner 0) and may later serve another listener while this loop still runs.
 */
function boardOf(board: number, listener: number): boolean {
  return board !== NO_BOARD && Atomics.load(currentRegistry(), serveBoardBase(board) + Board.Owner) === listener;
}

/**
 * The oldest ready connection in the server's board ring (src/board-ring.ts), taken
 * without a call to the engine. Undefined when the ring is empty or the board is no longer
 * `listener`'s.
 */
export function takeReady(board: number, listener: number): ReadyConnection | undefined {
  if (!boardOf(board, listener)) return undefined;
  let ring = rings.get(board);
  if (ring === undefined) rings.set(board, (ring = new BoardRing(currentRegistry(), board)));
  return ring.take();
}

/**
 * Hands connection `socket` back through one of loop `loop`'s words on the board, and rings
 * the engine's doorbell: the engine takes it at its next wake (takeHandBacks), and this
 * thread waits for nothing. False when it cannot (no board, a loop past BOARD_LOOPS, or
 * every word still holds an earlier one, or the board is no longer `listener`'s): then it
 * goes back with the next NextRequest.
 */
export function postHandBack(board: number, listener: number, loop: number, socket: number): boolean {
  if (loop >= BOARD_LOOPS || !boardOf(board, listener)) return false;
  const registry = currentRegistry();
  const first = serveBoardBase(board) + Board.HandBack + loop * BOARD_HAND_BACKS;
  for (let word = first; word < first + BOARD_HAND_BACKS; word++) {
    if (Atomics.compareExchange(registry, word, 0, socket) !== 0) continue;
    // Counted after the word is filled: an engine that reads 0 before this rings again at the doorbell below.
    Atomics.add(registry, serveBoardBase(board) + Board.HandBacksPosted, 1);
    Atomics.add(registry, Reg.Doorbell, 1);
    Atomics.notify(registry, Reg.Doorbell, 1);
    return true;
  }
  return false;
}

/**
 * Takes back every hand-back of loop `loop` the engine has not taken (the listener closed):
 * the connections, for the loop to close. Nothing when the board serves another listener
 * now (its words are that server's loops').
 */
export function withdrawHandBacks(board: number, listener: number, loop: number): number[] {
  if (board === NO_BOARD || loop >= BOARD_LOOPS) return [];
  const registry = currentRegistry();
  const owner = Atomics.load(registry, serveBoardBase(board) + Board.Owner);
  if (owner !== 0 && owner !== listener) return [];
  const first = serveBoardBase(board) + Board.HandBack + loop * BOARD_HAND_BACKS;
  const withdrawn: number[] = [];
  for (let word = first; word < first + BOARD_HAND_BACKS; word++) {
    const socket = Atomics.exchange(registry, word, 0);
    if (socket !== 0) withdrawn.push(socket);
  }
  return withdrawn;
}
