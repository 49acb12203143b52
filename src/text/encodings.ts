/**
 * The text encodings of Character fields (the socket option `encoding`), shared by the
 * commands (names, decoding what was received) and the engine (where a character ends,
 * encoding what is sent).
 *
 * UTF-8 is built in and costs nothing. Every other encoding comes from iconv-lite (its
 * tables, not ours), loaded on first use: UTF-16 (LE/BE) and every single-byte table it
 * has (latin1, windows-125x, iso-8859-x, cp437/850/866, koi8-r, macintosh, ...). Those
 * are the encodings whose character boundaries the engine knows without a decoder, so an
 * incomplete character is never handed out for them either. The multi-byte CJK encodings
 * (Shift_JIS, GBK, Big5, EUC-*) are refused (-10022): their boundaries need the decoder's
 * state, which the engine does not keep.
 *
 * An encoding travels between threads as a small id: its index in a list both threads
 * build the same way from the same installed iconv-lite (one process, one node_modules).
 */
import { createRequire } from 'node:module';

type Iconv = typeof import('iconv-lite');

export const UTF8 = 0;
const UTF16LE = 1;
const UTF16BE = 2;

let iconvModule: Iconv | undefined;
function iconv(): Iconv {
  iconvModule ??= createRequire(import.meta.url)('iconv-lite') as Iconv;
  return iconvModule;
}

/** Canonical iconv-lite keys by id; built on first use of a non-UTF-8 encoding. */
let keys: string[] | undefined;
function encodingKeys(): string[] {
  if (keys !== undefined) return keys;
  const lib = iconv();
  lib.getCodec('utf8'); // makes iconv-lite load its table of encodings
  const table = lib.encodings as Record<string, unknown>;
  const singleByte = Object.keys(table)
    .filter((key) => (table[key] as { type?: unknown } | null)?.type === '_sbcs')
    .sort();
  keys = ['utf8', 'ucs2', 'utf16be', ...singleByte];
  return keys;
}

/** What TCPGetOption shows for the common ones (the others: iconv-lite's own key). */
const displayNames: Record<string, string> = {
  utf8: 'utf-8',
  ucs2: 'utf-16le',
  utf16be: 'utf-16be',
  iso88591: 'latin1',
  windows1252: 'windows-1252',
};

/** The id of an encoding name (any alias iconv-lite knows, any case), or undefined. */
export function encodingId(name: string): number | undefined {
  let key = name.toLowerCase().replace(/[^0-9a-z]/g, '');
  if (key === 'utf8') return UTF8;
  const lib = iconv();
  if (!lib.encodingExists(name)) return undefined;
  const table = lib.encodings as Record<string, unknown>;
  // Follow iconv-lite's aliases ('latin1' -> 'iso88591', 'cp1252' -> 'windows1252').
  for (let hops = 0; typeof table[key] === 'string' && hops < 10; hops++) key = table[key] as string;
  const id = encodingKeys().indexOf(key);
  return id < 0 ? undefined : id;
}

/** The name TCPGetOption gives for an id. */
export function encodingName(id: number): string {
  if (id === UTF8) return 'utf-8';
  const key = encodingKeys()[id] ?? 'utf8';
  return displayNames[key] ?? key;
}

/** Text as bytes in encoding `id`. */
export function encodeText(text: string, id: number): Buffer {
  if (id === UTF8) return Buffer.from(text, 'utf8');
  return iconv().encode(text, encodingKeys()[id] ?? 'utf8');
}

/** Bytes in encoding `id` as text. */
export function decodeText(bytes: Uint8Array, id: number): string {
  if (id === UTF8) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return iconv().decode(bytes, encodingKeys()[id] ?? 'utf8');
}

/**
 * The bytes of one code unit of encoding `id`: 2 for UTF-16, whose text (a delimiter)
 * matches only where a unit starts; 1 for the others (UTF-8 cannot match inside a
 * character: its lead and continuation bytes differ; single-byte ones have no inside).
 */
export function codeUnitBytes(id: number): number {
  return id === UTF16LE || id === UTF16BE ? 2 : 1;
}

/**
 * How many of the first `length` bytes of `bytes` end on a whole character of encoding
 * `id`: `length`, or less when the last character is cut (0: not even the first is
 * whole). Malformed input counts as whole (the decoder replaces it), so nothing is held
 * for ever.
 */
export function wholeLength(bytes: Uint8Array, length: number, id: number): number {
  if (length <= 0) return 0;
  if (id === UTF8) return wholeUtf8(bytes, length);
  if (id === UTF16LE || id === UTF16BE) return wholeUtf16(bytes, length, id === UTF16LE);
  return length; // single-byte: every byte is a character
}

function wholeUtf8(bytes: Uint8Array, length: number): number {
  let start = length - 1;
  // Walk back over at most three continuation bytes (10xxxxxx) to the lead byte.
  for (let back = 0; start > 0 && back < 3 && (bytes[start]! & 0xc0) === 0x80; back++) start--;
  const lead = bytes[start]!;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + size <= length ? length : start;
}

function wholeUtf16(bytes: Uint8Array, length: number, littleEndian: boolean): number {
  let whole = length - (length % 2); // an odd byte is half a code unit
  if (whole >= 2) {
    const unit = littleEndian ? bytes[whole - 2]! | (bytes[whole - 1]! << 8) : (bytes[whole - 2]! << 8) | bytes[whole - 1]!;
    if (unit >= 0xd800 && unit <= 0xdbff) whole -= 2; // a high surrogate waits for its low half
  }
  return whole;
}
