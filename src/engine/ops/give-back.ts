/**
 * Op.GiveBack: a direct read that found its socket's entry closed after it had read (a
 * TCPStartTLS or a close began meanwhile) hands its bytes back; they go in front of the
 * queue, where the upgrade (or the close) finds them (docs/direct-path.md, invariant 1).
 */
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';

export function giveBack(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream === undefined) return; // closed and gone: so are its bytes
  stream.giveBack(Buffer.from(slot.data.subarray(0, slot.dataLength)));
  slot.reply(0);
}
