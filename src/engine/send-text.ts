/**
 * Character sends in the socket's encoding: the caller sends text as UTF-8 (SendFlag.Text),
 * and the engine, which knows the socket's `encoding`, re-encodes it when that is not
 * UTF-8. The caller cannot do it: another thread may change the option at any time.
 */
import { SendFlag } from '../protocol.js';
import { decodeText, encodeText, UTF8 } from '../text/encodings.js';
import type { EngineSlot } from './slot.js';

/** The request's text re-encoded, or undefined when its bytes go as they are. */
export function reencodedPayload(slot: EngineSlot, encoding: number): Buffer | undefined {
  if ((slot.arg0 & SendFlag.Text) === 0 || encoding === UTF8) return undefined;
  return encodeText(decodeText(slot.sendPayload(), UTF8), encoding);
}
