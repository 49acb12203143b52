/** What TCPSend accepts as its buffer, as bytes (or as a string, encoded where it lands). */

/** A receive "field" for code that has no by-reference parameters: Character or Binary. */
export interface Holder {
  value: string | Uint8Array;
}

export type SendBuffer = string | ArrayBufferView | Holder;

export function isHolder(value: unknown): value is Holder {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  const held = (value as { value?: unknown }).value;
  return typeof held === 'string' || held instanceof Uint8Array;
}

/** The bytes of an ArrayBufferView (any typed array or DataView), without copying. */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The payload of a send: a string, or bytes; undefined for anything else. */
export function sendPayload(buffer: unknown): string | Uint8Array | undefined {
  if (typeof buffer === 'string') return buffer;
  if (ArrayBuffer.isView(buffer)) return bytesOf(buffer);
  if (isHolder(buffer)) return buffer.value;
  return undefined;
}
