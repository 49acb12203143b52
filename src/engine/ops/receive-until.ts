/** TCPReceiveUntil: the socket does the work (receive-shaped.ts); this reads the delimiter first. */
import type { Engine } from '../engine-sockets.js';
import { takeDelimiter } from '../receive-shaped.js';
import type { EngineSlot } from '../slot.js';

export function receiveUntil(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream !== undefined && takeDelimiter(slot, stream.options.encoding)) stream.receive(slot);
}
