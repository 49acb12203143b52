/** TCPClose and TCPBlock. */
import { ErrorCode } from '../../errors.js';
import type { Engine } from '../engine.js';
import type { EngineSlot } from '../slot.js';
import { CloseOption } from '../stream-socket.js';

export function close(slot: EngineSlot, engine: Engine): void {
  const option = slot.arg0;
  if (option !== CloseOption.Complete && option !== CloseOption.HalfClose && option !== CloseOption.Abort) {
    return slot.reply(ErrorCode.InvalidCloseOption);
  }
  const stream = engine.stream(slot);
  if (stream === undefined) return;
  if (option === CloseOption.HalfClose) {
    stream.halfClose();
  } else {
    // The number is released at once: from here on it is -509 on every thread.
    engine.table.delete(slot.socket);
    stream.release(option);
  }
  slot.reply(0);
}

export function block(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream === undefined) return;
  stream.blocking = slot.arg0 === 0;
  slot.reply(0);
}
