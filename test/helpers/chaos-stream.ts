/**
 * The byte streams of the chaos test (test/chaos.test.ts), shared by the peer side (the
 * test process) and the library side (test/fixtures/chaos/, bundled into a child process).
 *
 * Every stream's content is a function of (stream id, direction, position), so whoever
 * receives it knows the exact byte that must come next: a byte lost, doubled, reordered or
 * taken from another stream (or a file) shows as a mismatch at a known position, with no
 * framing to trust. Out-of-band records (a 16-byte marker, then a type and two positions)
 * carry what the protocol itself must say: "resume at Q" after a send that may have been
 * cut (a thread terminated in it, a time-out), "STARTTLS now", "go ahead". A record does not
 * count as a stream position.
 */

/** The stream's content is generated in blocks of this size, each from its own seed. */
const BLOCK = 4096;

export const Direction = { Up: 0, Down: 1 } as const;
export type DirectionValue = (typeof Direction)[keyof typeof Direction];

/** First bytes of every connection to the stream peer: the magic, then the stream id and its slot. */
export const HELLO_MAGIC = Buffer.from('CHAOS-HELLO-V1\0\0', 'latin1');
export const HELLO_BYTES = 32;

export function encodeHello(streamId: number, slot: number): Uint8Array {
  const hello = Buffer.alloc(HELLO_BYTES);
  HELLO_MAGIC.copy(hello, 0);
  hello.writeUInt32LE(streamId, 16);
  hello.writeUInt32LE(slot, 20);
  return hello;
}

export function decodeHello(bytes: Buffer): { streamId: number; slot: number } | undefined {
  if (bytes.length < HELLO_BYTES || !bytes.subarray(0, 16).equals(HELLO_MAGIC)) return undefined;
  return { streamId: bytes.readUInt32LE(16), slot: bytes.readUInt32LE(20) };
}

/** The sink's streams (to the bystander's sockets) are told apart by the bystander's port: this plus it. */
export const SINK_STREAM_BASE = 0x40000000;

/** Random bytes chosen once; no proper prefix equals a suffix, so a marker cannot overlap itself. */
export const MARKER = Buffer.from('e3a1c97b05d2f6480ab3917c6d2e58f1', 'hex');
export const RECORD_BYTES = 40;

export const RecordType = {
  /** Upstream: positions a..b may have been cut by a failed or dead send; the stream resumes at b. */
  Resync: 1,
  /** Upstream: the client starts TLS after this record (a = the position). */
  StartTls: 2,
  /** Downstream: the peer's answer to StartTls; TLS follows (a = the position). */
  Go: 3,
} as const;

/** FNV-1a over a record's fields: a record cut short and followed by another fails it. */
function recordCheck(record: Uint8Array, at: number): number {
  let h = 0x811c9dc5;
  for (let i = at + 16; i < at + RECORD_BYTES; i++) {
    if (i === at + 20) i = at + 24; // the check word itself
    h = Math.imul(h ^ record[i]!, 0x01000193);
  }
  return h >>> 0;
}

/** Layout: marker (16), type (u32), check (u32), a (f64), b (f64). */
export function encodeRecord(type: number, a: number, b = 0): Uint8Array {
  const record = Buffer.alloc(RECORD_BYTES);
  MARKER.copy(record, 0);
  record.writeUInt32LE(type, 16);
  record.writeDoubleLE(a, 24);
  record.writeDoubleLE(b, 32);
  record.writeUInt32LE(recordCheck(record, 0), 20);
  return record;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) | 0;
}

function fillBlock(streamId: number, direction: number, block: number, out: Uint8Array): void {
  let x = mix(mix(streamId, direction + 1), block) || 1;
  const words = new Int32Array(out.buffer, out.byteOffset, BLOCK / 4);
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
}

/** Generates stream content, keeping the last block made (reads and checks move forward). */
export class Pattern {
  private readonly block = new Uint8Array(BLOCK);
  private blockIndex = -1;

  constructor(
    readonly streamId: number,
    readonly direction: DirectionValue,
  ) {}

  /** Writes the stream's bytes [position, position + out.length) into `out`. */
  fill(position: number, out: Uint8Array): Uint8Array {
    let done = 0;
    while (done < out.length) {
      const at = position + done;
      const index = Math.floor(at / BLOCK);
      if (index !== this.blockIndex) {
        fillBlock(this.streamId, this.direction, index, this.block);
        this.blockIndex = index;
      }
      const from = at - index * BLOCK;
      const n = Math.min(BLOCK - from, out.length - done);
      out.set(this.block.subarray(from, from + n), done);
      done += n;
    }
    return out;
  }

  bytes(position: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.fill(position, out);
    return out;
  }
}

/** What the first unexpected bytes look like, for a failure report. */
export function describeBytes(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 24));
  let kind = 'unrecognised bytes';
  if (b.toString('latin1').startsWith('BYSTANDER')) kind = "a bystander's file bytes";
  else if (b.length >= 3 && b[0] === 0x16 && b[1] === 0x03) kind = 'a TLS handshake record';
  else if (b.length >= 3 && b[0] === 0x17 && b[1] === 0x03) kind = 'a TLS application-data record';
  else if (b.length >= 3 && b[0] === 0x15 && b[1] === 0x03) kind = 'a TLS alert';
  else if (b.subarray(0, 6).toString('latin1') === 'CHAOS-') kind = "a stream's hello";
  return `${kind} (${b.toString('hex')})`;
}

/** What a record's handler decides: refuse it (corruption), or go on, maybe elsewhere. */
export type RecordVerdict =
  | { refuse: string }
  | {
      /** The position the stream resumes at (a Resync record). */
      jumpTo?: number;
      /** The bytes after the record are not this checker's (TLS follows): push returns them. */
      stop?: boolean;
    };

export type RecordHandler = (type: number, a: number, b: number, position: number) => RecordVerdict;

/** The verdict of a checker that found a stream wrong. */
export interface Corruption {
  position: number;
  reason: string;
  /** The first unexpected bytes (the test looks for them in the other streams). */
  bytes?: Buffer;
}

/**
 * Checks one direction of one stream as its bytes arrive. Bytes must equal the pattern at
 * the current position; where they do not, a record must begin (possibly right before the
 * mismatch, when its first marker bytes happened to equal the pattern, or after a record
 * cut short by a dead sender). Anything else is corruption, reported once; later bytes are
 * only counted.
 */
export class StreamChecker {
  readonly pattern: Pattern;
  position = 0;
  /** Bytes that matched the pattern (or were records). */
  checked = 0;
  corruption: Corruption | undefined;
  /** The last bytes matched (a record's marker may have begun among them). */
  private tail = Buffer.alloc(0);
  /** Bytes after a mismatch, waiting until they show what they are. */
  private held = Buffer.alloc(0);
  /** A record's handler said the rest is not this checker's. */
  private stopped = false;

  constructor(
    streamId: number,
    direction: DirectionValue,
    private readonly onRecord: RecordHandler,
    position = 0,
  ) {
    this.pattern = new Pattern(streamId, direction);
    this.position = position;
  }

  /**
   * Takes bytes (copying what it keeps: the caller may reuse `chunk`); returns the bytes
   * after a record whose handler said stop (TLS bytes), else an empty buffer.
   */
  push(chunk: Uint8Array): Buffer {
    if (this.corruption !== undefined || this.stopped) return Buffer.from(chunk);
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let data = this.held.length > 0 ? Buffer.concat([this.held, incoming]) : incoming;
    this.held = Buffer.alloc(0);
    let i = 0;
    while (i < data.length) {
      const matched = this.matchPattern(data, i);
      if (matched > 0) this.keepTail(data.subarray(i, i + matched));
      i += matched;
      this.position += matched;
      this.checked += matched;
      if (i === data.length) break;
      // A mismatch at i: a record, or corruption. Its marker may have begun in the tail.
      const window = Buffer.concat([this.tail, data.subarray(i)]);
      const found = this.findRecord(window);
      if (found === 'wait') {
        // The tail stays counted until the record shows itself; the next push starts here.
        this.held = Buffer.from(data.subarray(i));
        return Buffer.alloc(0);
      }
      if (found === undefined) {
        const got = data.subarray(i);
        this.fail(`expected the stream's bytes, got ${describeBytes(got)}${this.locate(got)}`, Buffer.from(got.subarray(0, 48)));
        return Buffer.alloc(0);
      }
      // Tail bytes from the record's start on were not the pattern after all.
      const unmatched = this.tail.length - found.start;
      this.position -= unmatched;
      this.checked -= unmatched;
      this.tail = Buffer.alloc(0);
      const at = found.record;
      const verdict = this.onRecord(window.readUInt32LE(at + 16), window.readDoubleLE(at + 24), window.readDoubleLE(at + 32), this.position);
      if ('refuse' in verdict) {
        this.fail(verdict.refuse);
        return Buffer.alloc(0);
      }
      this.checked += RECORD_BYTES;
      if (verdict.jumpTo !== undefined) this.position = verdict.jumpTo;
      data = window.subarray(at + RECORD_BYTES);
      i = 0;
      if (verdict.stop === true) {
        this.stopped = true;
        return Buffer.from(data);
      }
    }
    return Buffer.alloc(0);
  }

  /** Takes bytes again after a record's handler said stop (the peer goes on with the TLS layer's bytes). */
  resume(): void {
    this.stopped = false;
  }

  /** The stream ended: fine mid-record (a sender cut short), not after bytes no record explains. */
  end(): void {
    if (this.corruption !== undefined || this.held.length === 0) return;
    if (this.findRecord(Buffer.concat([this.tail, this.held])) !== 'wait') {
      this.fail(`the stream ended after unexpected bytes: ${describeBytes(this.held)}`);
    }
  }

  private fail(reason: string, bytes?: Buffer): void {
    this.corruption ??= { position: this.position, reason, ...(bytes === undefined ? {} : { bytes }) };
  }

  /** Whether unexpected bytes are this stream's own from elsewhere: a gap, or bytes again. */
  private locate(got: Buffer): string {
    if (got.length < 16) return '';
    const from = Math.max(0, this.position - 1024 * 1024);
    const at = new Pattern(this.pattern.streamId, this.pattern.direction).bytes(from, this.position - from + 4 * 1024 * 1024).indexOf(got.subarray(0, 32));
    if (at < 0) return '';
    const position = from + at;
    return position > this.position
      ? `: this stream's bytes from ${position} (${position - this.position} bytes missing)`
      : `: this stream's bytes from ${position} again (${this.position - position} bytes repeated)`;
  }

  /** How many bytes from data[i] equal the pattern at the current position. */
  private matchPattern(data: Buffer, i: number): number {
    const n = data.length - i;
    const expected = this.pattern.bytes(this.position, n);
    if (expected.equals(data.subarray(i))) return n;
    let k = 0;
    while (k < n && expected[k] === data[i + k]) k++;
    return k;
  }

  private keepTail(bytes: Buffer): void {
    const keep = MARKER.length - 1;
    this.tail = bytes.length >= keep ? Buffer.from(bytes.subarray(bytes.length - keep)) : Buffer.concat([this.tail, bytes]).subarray(-keep);
  }

  /** How many bytes from window[at] equal the marker's first bytes. */
  private static markerPrefix(window: Buffer, at: number): number {
    let k = 0;
    while (k < MARKER.length && at + k < window.length && window[at + k] === MARKER[k]) k++;
    return k;
  }

  /** Whether some c in [from, to) starts a marker prefix that runs to the window's end. */
  private static markerBeginsAtEnd(window: Buffer, from: number, to: number): boolean {
    for (let c = from; c < to && c < window.length; c++) {
      if (window.length - c < MARKER.length && StreamChecker.markerPrefix(window, c) === window.length - c) return true;
    }
    return false;
  }

  /**
   * Where a record starts in `window` (the matched tail, then the bytes from the mismatch):
   * `start` where its bytes begin (records cut short by a dead sender may come first; a
   * sender that follows one always begins with a whole record), `record` where the whole
   * record is; 'wait' when more bytes are needed to tell; undefined when no record
   * explains the bytes.
   */
  private findRecord(window: Buffer): { start: number; record: number } | 'wait' | undefined {
    // The record begins in the tail or at the mismatch. A whole marker there (or one still
    // arriving) is taken first; else the earliest start that a chain of cut records explains.
    const starts: number[] = [];
    for (let s = 0; s <= this.tail.length; s++) {
      const n = StreamChecker.markerPrefix(window, s);
      if (n === MARKER.length || (n > 0 && n === window.length - s)) starts.push(s);
    }
    for (let s = 0; s <= this.tail.length; s++) {
      if (!starts.includes(s) && StreamChecker.markerPrefix(window, s) > 0) starts.push(s);
    }
    for (const start of starts) {
      const found = StreamChecker.chain(window, start);
      if (found === 'wait') return found;
      if (found !== undefined) return { start, record: found };
    }
    return undefined;
  }

  /** From `start`: cut records, then a whole one (its position), or 'wait', or undefined. */
  private static chain(window: Buffer, start: number): number | 'wait' | undefined {
    let at = start;
    for (;;) {
      const rest = window.length - at;
      const prefix = StreamChecker.markerPrefix(window, at);
      if (prefix === MARKER.length) {
        if (rest < RECORD_BYTES) return 'wait';
        if (window.readUInt32LE(at + 20) === recordCheck(window, at)) return at;
        // A record cut after its marker, followed by another record's marker.
        const next = window.indexOf(MARKER, at + 1);
        if (next > 0 && next < at + RECORD_BYTES) {
          at = next;
          continue;
        }
        return StreamChecker.markerBeginsAtEnd(window, at + 1, at + RECORD_BYTES) ? 'wait' : undefined;
      }
      if (prefix === rest) return 'wait'; // the marker is still arriving
      if (prefix === 0) return undefined;
      // A marker cut after c <= prefix bytes, then the next record's marker.
      let next = -1;
      for (let c = 1; c <= prefix && next < 0; c++) {
        const n = StreamChecker.markerPrefix(window, at + c);
        if (n === MARKER.length || n === window.length - (at + c)) next = at + c;
      }
      if (next < 0) return undefined;
      at = next;
    }
  }
}

/**
 * Which stream (of `candidates`, each near a position) `bytes` come from, if any: bytes
 * that reached the wrong place are usually another stream's.
 */
export function identify(bytes: Buffer, direction: DirectionValue, candidates: Array<{ streamId: number; near: number }>): string | undefined {
  if (bytes.length < 16) return undefined;
  const probe = bytes.subarray(0, Math.min(32, bytes.length));
  for (const { streamId, near } of candidates) {
    const from = Math.max(0, near - 2 * 1024 * 1024);
    const at = new Pattern(streamId, direction).bytes(from, near - from + 512 * 1024).indexOf(probe);
    if (at >= 0) return `stream ${streamId}'s ${direction === Direction.Up ? 'upstream' : 'downstream'} at position ${from + at}`;
  }
  return undefined;
}

/**
 * After the thread receiving a stream was terminated, its replacement knows the position
 * the dead one had checked up to, not how much its last receive took: the bytes now coming
 * must be the stream from some position in [position, position + slack].
 */
export function findResumePosition(pattern: Pattern, position: number, slack: number, bytes: Buffer): number | undefined {
  const probe = bytes.subarray(0, Math.min(bytes.length, 64));
  const expected = pattern.bytes(position, slack + probe.length);
  const at = expected.indexOf(probe);
  return at < 0 ? undefined : position + at;
}
