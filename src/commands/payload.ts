/**
 * What TCPSend accepts as its buffer, as bytes (or as a string, encoded where it lands),
 * and what a receive writes into. Nothing here throws for what a caller passes: frozen
 * or sealed holders, holders whose `value` accessors throw, views over detached buffers
 * are answered with a code (docs/commands.md, "Receive buffers").
 */
import { ErrorCode } from '../errors.js';

/** A receive "field" for code that has no by-reference parameters: Character or Binary. */
export interface Holder {
  /** A string: a Character field (text); a Uint8Array: a Binary field (bytes). Receives replace it. */
  value: string | Uint8Array;
}

/** What TCPSend takes: a string (sent in the socket's `encoding`), bytes, or a holder's value. */
export type SendBuffer = string | ArrayBufferView | Holder;

export function isHolder(value: unknown): value is Holder {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  try {
    const held = (value as { value?: unknown }).value;
    return typeof held === 'string' || held instanceof Uint8Array;
  } catch {
    return false; // a `value` getter that throws: not a holder (-501)
  }
}

/**
 * A view over an ArrayBuffer that was transferred away (postMessage, structuredClone with
 * `transfer`): it has no bytes any more, and most operations on it throw.
 */
export function isDetached(view: ArrayBufferView): boolean {
  const buffer = view.buffer as ArrayBufferLike & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached; // Node 22+
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** The bytes of an ArrayBufferView (any typed array or DataView), without copying; none when detached. */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  if (isDetached(view)) return new Uint8Array(0);
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * The payload of a send: a string, or bytes; -501 for anything else, -10022 for a view
 * over a detached buffer (what TCPReceive answers for one).
 */
export function sendPayload(buffer: unknown): string | Uint8Array | number {
  if (typeof buffer === 'string') return buffer;
  if (ArrayBuffer.isView(buffer)) return isDetached(buffer) ? ErrorCode.InvalidArgument : bytesOf(buffer);
  if (!isHolder(buffer)) return ErrorCode.WrongType;
  const held = buffer.value;
  if (typeof held === 'string' || held instanceof Uint8Array) return typeof held === 'string' ? held : sendPayload(held);
  return ErrorCode.WrongType; // a getter that answered a holder's value once, and something else now
}

/**
 * Whether a receive may write into this holder: its current value written back must not
 * throw (a frozen, sealed read-only or setter-less holder throws in strict code, and so
 * does a setter that refuses). Checked BEFORE any byte is taken from the engine, so a bad
 * holder costs no data: the bytes stay for the next read.
 */
export function holderWritable(holder: Holder): boolean {
  try {
    const current = holder.value;
    holder.value = current;
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives a holder its received value; false when the holder refused it after all (a
 * setter that accepted its own value back, then threw): the command answers -10022.
 */
export function assignHolder(holder: Holder, value: string | Uint8Array): boolean {
  try {
    holder.value = value;
    return true;
  } catch {
    return false;
  }
}
