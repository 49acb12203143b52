/** Where a receive's reply goes: a Uint8Array, or a holder's value (Character or Binary). */
import type { Channel } from '../channel/caller.js';
import { RECEIVE_TRUNCATED } from '../protocol.js';
import { decodeText } from '../text/encodings.js';
import { assignHolder, type Holder } from './payload.js';

/**
 * Copies a reply of `result` bytes out of the channel's data area. A Character holder's
 * text is what the engine put there (ReplyLength bytes of whole characters, in the
 * encoding ReplyArg names), which may differ from the count of bytes consumed: held
 * bytes of a cut character come in front of the next read's text, not this one's.
 */
export function deliver(channel: Channel, result: number, target: Uint8Array | undefined, holder: Holder | undefined): boolean {
  if (target !== undefined) {
    target.set(channel.data.subarray(0, result));
  } else if (holder !== undefined) {
    const value =
      typeof holder.value === 'string'
        ? decodeText(channel.data.subarray(0, channel.replyLength), channel.replyArg & ~RECEIVE_TRUNCATED)
        : new Uint8Array(channel.data.subarray(0, result)); // a copy: the area is reused
    return assignHolder(holder, value); // false: the holder refused (payload.ts)
  }
  return true;
}
