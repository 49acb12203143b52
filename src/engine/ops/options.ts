/**
 * TCPSetOption / TCPGetOption in the engine. The commands have checked the name and the
 * value's type and range against src/options.ts; here each option meets the kinds of
 * socket it applies to (-10022 for the others, or when it is too late to set it).
 */
import { ErrorCode } from '../../errors.js';
import { OptionId, TEXT_VALUE } from '../../options.js';
import type { Engine } from '../engine.js';
import { ListenerSocket } from '../listener-socket.js';
import type { EngineSlot } from '../slot.js';
import { StreamSocket } from '../stream-socket.js';
import { UnboundSocket } from '../unbound-socket.js';

/** Arg0: option id; Arg1: an integer value; text values in the data area. */
export function setOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  switch (slot.arg0) {
    case OptionId.address:
      if (!(entry instanceof UnboundSocket) || entry.binding) return slot.reply(ErrorCode.InvalidArgument);
      entry.address = slot.text() === '' ? undefined : slot.text();
      return slot.reply(0);
    case OptionId.backlog:
      if (!(entry instanceof UnboundSocket) || entry.binding) return slot.reply(ErrorCode.InvalidArgument);
      entry.backlog = slot.arg1;
      return slot.reply(0);
    default:
      return slot.reply(ErrorCode.UnknownOption);
  }
}

export function getOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  switch (slot.arg0) {
    case OptionId.address: {
      if (entry instanceof UnboundSocket) return slot.replyText(0, entry.address ?? '', TEXT_VALUE);
      const address = entry instanceof StreamSocket ? entry.socket.localAddress : (entry.server.address() as { address?: string } | null)?.address;
      return slot.replyText(0, address ?? '', TEXT_VALUE);
    }
    case OptionId.backlog:
      if (entry instanceof UnboundSocket || entry instanceof ListenerSocket) return slot.reply(entry.backlog);
      return slot.reply(ErrorCode.InvalidArgument);
    default:
      return slot.reply(ErrorCode.UnknownOption);
  }
}
