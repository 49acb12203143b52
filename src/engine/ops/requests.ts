/** serve()'s request handlers: ServeRequests, NextRequest, RequestCounts (request-server.ts). */
import { ErrorCode } from '../../errors.js';
import type { Engine } from '../engine-sockets.js';
import { RequestServer } from '../request-server.js';
import type { EngineSlot } from '../slot.js';
import { closeConnection } from './close.js';

/**
 * The listener's connections, those already waiting included, go to the engine's watch
 * from now on (Arg0: idle time-out, Arg1: idle time allowed while draining; ms; Arg2: the server's
 * loops, 0 when not known).
 */
export function serveRequests(slot: EngineSlot, engine: Engine): void {
  const listener = engine.listener(slot);
  if (listener === undefined) return;
  if (listener.requests !== undefined) return slot.reply(ErrorCode.InvalidArgument);
  const requests = new RequestServer(engine.registry, slot.socket, engine.table, (number, stream, option) => closeConnection(engine, number, stream, option), slot.arg0, slot.arg1, slot.arg2);
  listener.watchRequests(requests);
  slot.reply(requests.board);
}

export function nextRequest(slot: EngineSlot, engine: Engine): void {
  const listener = engine.listener(slot);
  if (listener === undefined) return;
  if (listener.requests === undefined) return slot.reply(ErrorCode.InvalidArgument);
  listener.requests.next(slot);
}

export function requestCounts(slot: EngineSlot, engine: Engine): void {
  const listener = engine.listener(slot);
  if (listener === undefined) return;
  if (listener.requests === undefined) return slot.reply(ErrorCode.InvalidArgument);
  slot.replyText(0, listener.requests.counts());
}
