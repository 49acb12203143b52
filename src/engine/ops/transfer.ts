/** TCPSend and TCPReceive: the socket does the work; these only find it. */
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';

export function send(slot: EngineSlot, engine: Engine): void {
  engine.stream(slot)?.send(slot);
}

export function receive(slot: EngineSlot, engine: Engine): void {
  engine.stream(slot)?.receive(slot);
}
