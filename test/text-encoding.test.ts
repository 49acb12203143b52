// Character fields: never part of a character, whatever maxbytes and whichever thread
// reads; and the `encoding` option both ways, checked by Python's own codecs.
import test from 'ava';
import {
  TCPClose,
  TCPConnect,
  TCPGetOption,
  TCPReceive,
  TCPReceiveUntil,
  TCPSend,
  TCPSetOption,
} from '../src/index.js';
import { startProtocolPeer } from './helpers/peers.js';
import { startWorkerFixture } from './helpers/worker.js';

const TEXT = 'añ€😀é';
const BYTES = Buffer.from(TEXT, 'utf8'); // 12 bytes: 1 + 2 + 3 + 4 + 2

/** A connection to the chunks peer that has sent `bytes` in one segment and stays open. */
function sentOnce(port: number, bytes: Uint8Array): number {
  const s = TCPConnect('127.0.0.1', port);
  TCPSend(s, `0 ${Buffer.from(bytes).toString('hex')}\n`);
  return s;
}

test("'añ€😀é' read one byte at a time from two alternating threads reassembles exactly", async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const s = sentOnce(peer.port, BYTES);
    const steps = BYTES.length;
    const turn = new SharedArrayBuffer(4);
    const word = new Int32Array(turn);
    const other = startWorkerFixture('alternate-reader.ts', { socket: s, turn, steps });
    const reads: Array<{ step: number; count: number; value: string }> = [];
    for (let step = 0; step < steps; step += 2) {
      while (Atomics.load(word, 0) !== step) Atomics.wait(word, 0, step - 1, 1000);
      const holder = { value: '' };
      const count = TCPReceive(s, holder, 1);
      reads.push({ step, count, value: holder.value });
      Atomics.store(word, 0, step + 1);
      Atomics.notify(word, 0);
    }
    reads.push(...((await other.nextMessage()) as typeof reads));
    t.is(await other.exited, 0);
    reads.sort((a, b) => a.step - b.step);
    t.true(reads.every((read) => read.count === 1), 'maxbytes 1 stays a hard bound: one byte consumed per read');
    t.false(reads.some((read) => read.value.includes('\uFFFD')), 'no half character came out');
    t.is(reads.map((read) => read.value).join(''), TEXT);
    // The value is '' until the character completes, on whichever thread that is.
    t.deepEqual(
      reads.map((read) => read.value),
      ['a', '', 'ñ', '', '', '€', '', '', '', '😀', '', 'é'],
    );
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('every maxbytes from 1 to 5 reassembles the text, each value whole', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    for (let maxbytes = 1; maxbytes <= 5; maxbytes++) {
      const s = sentOnce(peer.port, BYTES);
      let text = '';
      let consumed = 0;
      while (consumed < BYTES.length) {
        const holder = { value: '' };
        const n = TCPReceive(s, holder, maxbytes);
        t.true(n >= 1 && n <= maxbytes, `maxbytes ${maxbytes}: ${n}`);
        t.false(holder.value.includes('\uFFFD'));
        consumed += n;
        text += holder.value;
      }
      t.is(text, TEXT, `maxbytes ${maxbytes}`);
      t.is(TCPClose(s), 0);
    }
  } finally {
    await peer.stop();
  }
});

test('encoding: windows-1252 and latin1 both ways, against Python codecs; the delimiter is encoded too', async (t) => {
  const peer = await startProtocolPeer('codec');
  try {
    for (const [ours, python, text] of [
      ['windows-1252', 'cp1252', '€ café ñ'],
      ['latin1', 'latin-1', 'café ñ ß'],
      ['ISO-8859-15', 'iso8859_15', '€ Œuvre'],
      ['utf-16le', 'utf-16-le', 'añ€😀é'],
    ] as const) {
      const s = TCPConnect('127.0.0.1', peer.port);
      t.is(TCPSend(s, `${python}\n`), python.length + 1);
      t.is(TCPSetOption(s, 'encoding', ours), 0);
      TCPSend(s, [text, '\n']);
      t.is(await peer.nextLine(), text, `${ours}: Python decoded what we sent`);
      const line = { value: '' };
      const n = TCPReceiveUntil(s, line, '\n');
      t.is(line.value, `${text.toUpperCase()}\n`, `${ours}: we decoded what Python sent`);
      const upper = `${text.toUpperCase()}\n`;
      t.is(n, ours === 'utf-16le' ? Buffer.byteLength(upper, 'utf16le') : upper.length, 'the count is in bytes of the encoding');
      t.is(TCPClose(s), 0);
    }
  } finally {
    await peer.stop();
  }
});

test('a string delimiter in latin1 is its latin1 byte', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const s = sentOnce(peer.port, Buffer.from([0x61, 0xe9, 0x62, 0xe9]));
    t.is(TCPSetOption(s, 'encoding', 'latin1'), 0);
    const line = { value: '' };
    t.is(TCPReceiveUntil(s, line, 'é'), 2);
    t.is(line.value, 'aé');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('the encoding option: default, names, socket 0, unknown ones', async (t) => {
  const peer = await startProtocolPeer('echo');
  try {
    t.is(TCPGetOption(0, 'encoding'), 'utf-8');
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPGetOption(s, 'encoding'), 'utf-8');
    t.is(TCPSetOption(s, 'encoding', 'CP1252'), 0);
    t.is(TCPGetOption(s, 'encoding'), 'windows-1252');
    t.is(TCPSetOption(s, 'encoding', 'no-such-encoding'), -10022);
    t.is(TCPSetOption(s, 'encoding', 'shift_jis'), -10022, 'multi-byte CJK: refused, documented');
    t.is(TCPSetOption(s, 'encoding', 1 as unknown as string), -501);
    t.is(TCPGetOption(s, 'encoding'), 'windows-1252', 'a refused value changes nothing');
    t.is(TCPClose(s), 0);

    t.is(TCPSetOption(0, 'encoding', 'latin1'), 0);
    const inherited = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPGetOption(inherited, 'encoding'), 'latin1', "socket 0 sets the thread's default");
    t.is(TCPSend(inherited, 'é'), 1, 'one latin1 byte');
    const back = new Uint8Array(4);
    t.is(TCPReceive(inherited, back), 1);
    t.is(back[0], 0xe9);
    t.is(TCPClose(inherited), 0);
  } finally {
    TCPSetOption(0, 'encoding', 'utf-8');
    await peer.stop();
  }
});

test('a string larger than a send buffer, re-encoded in windows-1252, arrives whole (cut between characters)', async (t) => {
  const peer = await startProtocolPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSetOption(s, 'encoding', 'windows-1252'), 0);
    const text = 'é€'.repeat(150_000) + '\n'; // 600 KB of UTF-8: three send buffers, 300 KB in 1252
    t.is(TCPSend(s, text), 300_001);
    const back = new Uint8Array(300_001);
    let got = 0;
    while (got < back.length) {
      const n = TCPReceive(s, back.subarray(got));
      if (n <= 0) break;
      got += n;
    }
    t.is(got, 300_001);
    t.deepEqual(Buffer.from(back.subarray(0, 4)), Buffer.from([0xe9, 0x80, 0xe9, 0x80]));
    t.true(back.subarray(0, 300_000).every((byte, i) => byte === (i % 2 === 0 ? 0xe9 : 0x80)), 'no character was split or garbled');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

// Issue 23, item 6: on a UTF-16 socket the delimiter "\n" (0a 00 in LE) was matched across
// two characters: "ੁ一\n" (41 0a | 00 4e | 0a 00) came back as "ੁ", then "一\n".
const UTF16_LINES = [
  // [encoding, a line whose bytes hold the delimiter's at an odd offset]
  ['utf-16le', 'ੁ一\n'], // 41 0a 00 4e 0a 00
  ['utf-16be', 'Āੁ\n'], // 01 00 0a 41 00 0a
] as const;

function utf16(text: string, encoding: 'utf-16le' | 'utf-16be'): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return encoding === 'utf-16le' ? le : le.swap16();
}

/** A connection to the chunks peer that sends `segments` 100 ms apart and stays open. */
function sentInSegments(port: number, segments: Uint8Array[]): number {
  const s = TCPConnect('127.0.0.1', port);
  TCPSend(s, `100 ${segments.map((bytes) => Buffer.from(bytes).toString('hex')).join(' ')}\n`);
  return s;
}

test('UTF-16 lines: the delimiter matches only on character boundaries, within a segment and across two', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    for (const [encoding, line] of UTF16_LINES) {
      const bytes = utf16(line + line, encoding);
      // Whole in one segment; then cut inside the false match (between its 0a and 00, or 00 and 0a).
      for (const segments of [[bytes], [bytes.subarray(0, 2), bytes.subarray(2)]]) {
        const s = sentInSegments(peer.port, segments);
        t.is(TCPSetOption(s, 'encoding', encoding), 0);
        const text = { value: '' };
        t.is(TCPReceiveUntil(s, text, '\n'), 6, `${encoding}, ${segments.length} segment(s)`);
        t.is(text.value, line);
        const raw = new Uint8Array(16); // a byte buffer, the delimiter given as text: the same rule
        t.is(TCPReceiveUntil(s, raw, '\n'), 6);
        t.deepEqual(Buffer.from(raw.subarray(0, 6)), utf16(line, encoding));
        t.is(TCPClose(s), 0);
      }
    }
  } finally {
    await peer.stop();
  }
});

test('UTF-16 lines: after a Character read held half a character, boundaries count from the held byte', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    for (const [encoding, line] of UTF16_LINES) {
      const s = sentInSegments(peer.port, [utf16(line, encoding)]);
      t.is(TCPSetOption(s, 'encoding', encoding), 0);
      const text = { value: '' };
      t.is(TCPReceive(s, text, 1), 1, 'maxbytes 1: one byte consumed and held');
      t.is(text.value, '');
      t.is(TCPReceiveUntil(s, text, '\n'), 5, encoding);
      t.is(text.value, line);
      t.is(TCPClose(s), 0);
    }
  } finally {
    await peer.stop();
  }
});
