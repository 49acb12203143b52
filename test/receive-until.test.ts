// TCPReceiveUntil against a real Python peer that sends its bytes in separate segments,
// so lines (and delimiters) arrive cut at chosen places.
import test from 'ava';
import {
  receiveUntilAsync,
  TCPBlock,
  TCPClose,
  TCPConnect,
  TCPReceive,
  TCPReceiveUntil,
  TCPSend,
  TCPSetOption,
} from '../src/index.js';
import { createHash } from 'node:crypto';
import { startProtocolPeer, startPythonPeer } from './helpers/peers.js';
import { waitFor } from './helpers/wait-for.js';

const hex = (text: string | Uint8Array): string => Buffer.from(text).toString('hex');

/** A connection whose peer sends `chunks` as separate segments, `ms` apart (and closes after them with `end`). */
function chunked(port: number, chunks: Array<string | Uint8Array>, ms = 40, end = false): number {
  const s = TCPConnect('127.0.0.1', port);
  TCPSend(s, `${ms} ${end ? 'end ' : ''}${chunks.map(hex).join(' ')}\n`);
  return s;
}


test('lines come whole, delimiters cut across segments are found, nothing past one is taken', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const s = chunked(peer.port, ['HTTP/1.1 200 OK\r', '\nA: b\r\n\r', '\nbody']);
    const line = { value: '' };
    t.is(TCPReceiveUntil(s, line, '\r\n'), 17);
    t.is(line.value, 'HTTP/1.1 200 OK\r\n');
    t.is(TCPReceiveUntil(s, line, '\r\n'), 6);
    t.is(line.value, 'A: b\r\n');
    t.is(TCPReceiveUntil(s, line, '\r\n'), 2);
    t.is(line.value, '\r\n');
    const rest = new Uint8Array(100);
    const n = TCPReceive(s, rest);
    t.is(Buffer.from(rest.subarray(0, n)).toString(), 'body', 'the body stayed queued');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('bytes delimiters, a Uint8Array, the default \\n, and a 64-byte delimiter cut over three segments', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const long = Buffer.alloc(64, 0x2d); // 64 dashes
    long[63] = 0x7c;
    const s = chunked(peer.port, ['first\nsecond\0', Buffer.concat([Buffer.from('x'), long.subarray(0, 10)]), long.subarray(10, 40), Buffer.concat([long.subarray(40), Buffer.from('tail\n')])]);
    const buffer = new Uint8Array(256);
    t.is(TCPReceiveUntil(s, buffer), 6);
    t.is(Buffer.from(buffer.subarray(0, 6)).toString(), 'first\n');
    t.is(TCPReceiveUntil(s, buffer, new Uint8Array([0])), 7);
    t.is(Buffer.from(buffer.subarray(0, 7)).toString(), 'second\0');
    const binary = { value: new Uint8Array(0) };
    t.is(TCPReceiveUntil(s, binary, long), 65);
    t.deepEqual(Buffer.from(binary.value as Uint8Array), Buffer.concat([Buffer.from('x'), long]));
    t.is(TCPReceiveUntil(s, buffer, '\n'), 5);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('maxbytes (or the array) bounds a line; at the end of the stream what is left, then 0', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const s = chunked(peer.port, ['abcdefgh\nrest without newline'], 10, true);
    const line = { value: '' };
    t.is(TCPReceiveUntil(s, line, '\n', 3), 3);
    t.is(line.value, 'abc');
    const small = new Uint8Array(4);
    t.is(TCPReceiveUntil(s, small, '\n'), 4);
    t.is(Buffer.from(small).toString(), 'defg');
    t.is(TCPReceiveUntil(s, line, '\n', 2), 2, 'the delimiter within maxbytes');
    t.is(line.value, 'h\n');
    t.is(TCPReceiveUntil(s, line), 20);
    t.is(line.value, 'rest without newline');
    t.is(TCPReceiveUntil(s, line), 0);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('non-blocking: -10035 until a whole line (or maxbytes) is there; a time-out keeps the partial line', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    // 3 s between the chunks: on a loaded machine (CI runs three Node lines) a 600 ms gap
    // let the poll below see 'partial' only once the rest had come too.
    const s = chunked(peer.port, ['partial', ' line\n'], 3000);
    TCPBlock(s, 1);
    const line = { value: '' };
    await waitFor(() => TCPReceiveUntil(s, line, '\n', 7) === 7, 'maxbytes to be there');
    t.is(line.value, 'partial');
    t.is(TCPReceiveUntil(s, line, '\n'), -10035);
    await waitFor(() => TCPReceiveUntil(s, line, '\n') > 0, 'the rest of the line');
    t.is(line.value, ' line\n');
    t.is(TCPClose(s), 0);

    const timed = chunked(peer.port, ['half a ', 'line\n'], 1500);
    TCPSetOption(timed, 'timeout', 300);
    t.is(TCPReceiveUntil(timed, line, '\n'), -522);
    TCPSetOption(timed, 'timeout', 'infinite');
    t.is(TCPReceiveUntil(timed, line, '\n'), 12, 'nothing was lost to the time-out');
    t.is(line.value, 'half a line\n');
    t.is(TCPClose(timed), 0);
  } finally {
    await peer.stop();
  }
});

test('bad delimiters and buffers are refused with documented codes', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const s = chunked(peer.port, ['x\n']);
    const line = { value: '' };
    t.is(TCPReceiveUntil(s, line, ''), -10022, 'empty');
    t.is(TCPReceiveUntil(s, line, new Uint8Array(65)), -10022, 'longer than 64 bytes');
    t.is(TCPReceiveUntil(s, line, 'é'.repeat(33)), -10022, '66 bytes of UTF-8');
    t.is(TCPReceiveUntil(s, line, 5 as unknown as string), -501);
    t.is(TCPReceiveUntil(s, line, '\n', 0), -10022);
    t.is(TCPReceiveUntil(s, 'no' as unknown as Uint8Array), -501);
    TCPBlock(s, 1);
    t.is(TCPReceiveUntil(s, line, 'x'.repeat(64)), -10035, 'a 64-byte one is taken (and not there)');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('receiveUntilAsync: the awaited twin', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const s = chunked(peer.port, ['one\r', '\ntwo\r\n']);
    const first = await receiveUntilAsync(s, '\r\n');
    t.is(Buffer.from(first as Uint8Array).toString(), 'one\r\n');
    const second = await receiveUntilAsync(s, new Uint8Array([13, 10]), 1024);
    t.is(Buffer.from(second as Uint8Array).toString(), 'two\r\n');
    t.is(await receiveUntilAsync(s, ''), -10022);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

// Issue 23, item 5: with rcvbuf below maxbytes, a line longer than rcvbuf waited for ever
// (the engine stopped reading at rcvbuf; TCPAvailable said 65536).
const NO_DELIMITER = 'a delimiter that 1 MiB of random bytes does not hold';
const MIB = 1 << 20;

/** A connection to the `source` peer, which sends `size` random bytes, their SHA-256, and closes. */
function source(port: number, rcvbuf: number, size: number): number {
  const s = TCPConnect('127.0.0.1', port);
  TCPSetOption(s, 'rcvbuf', rcvbuf);
  TCPSetOption(s, 'timeout', 10_000); // a failure is -522, not a hang
  TCPSend(s, `${size}\n`);
  return s;
}

/** The rest of the stream, read with TCPReceive until the end; with what came before, checked against the peer's digest. */
function checkWhole(t: import('ava').ExecutionContext, s: number, before: Buffer[], size: number): void {
  const parts = [...before];
  const buffer = new Uint8Array(64 * 1024);
  for (let n = TCPReceive(s, buffer); n > 0; n = TCPReceive(s, buffer)) parts.push(Buffer.from(buffer.subarray(0, n)));
  const all = Buffer.concat(parts);
  t.is(all.length, size + 32, 'every byte came');
  t.deepEqual(createHash('sha256').update(all.subarray(0, size)).digest(), all.subarray(size), 'in order');
}

test('a line longer than rcvbuf gives maxbytes bytes, blocking: the engine reads past rcvbuf for it', async (t) => {
  const peer = await startPythonPeer('source');
  try {
    for (const [rcvbuf, maxbytes] of [[65_536, undefined], [4096, 200_000]] as const) {
      const s = source(peer.port, rcvbuf, MIB);
      const line = new Uint8Array(MIB);
      const expected = maxbytes ?? 512 * 1024; // the default: 512 KiB
      const n = TCPReceiveUntil(s, line, NO_DELIMITER, maxbytes);
      t.is(n, expected, `rcvbuf ${rcvbuf}, maxbytes ${maxbytes ?? 'default'}`);
      checkWhole(t, s, [Buffer.from(line.subarray(0, Math.max(0, n)))], MIB);
      t.is(TCPClose(s), 0);
    }
  } finally {
    await peer.stop();
  }
});

test('a line longer than rcvbuf, non-blocking: -10035 until maxbytes are there, then maxbytes bytes', async (t) => {
  const peer = await startPythonPeer('source');
  try {
    const s = source(peer.port, 65_536, MIB);
    TCPBlock(s, 1);
    const line = new Uint8Array(MIB);
    let n = 0;
    await waitFor(() => (n = TCPReceiveUntil(s, line, NO_DELIMITER, 300_000)) !== -10035, 'maxbytes to be there', 10_000);
    t.is(n, 300_000);
    TCPBlock(s, 0);
    checkWhole(t, s, [Buffer.from(line.subarray(0, n))], MIB);
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('a Character read waiting for the rest of a character reads on past rcvbuf', async (t) => {
  const peer = await startProtocolPeer('chunks');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    TCPSetOption(s, 'rcvbuf', 65_536);
    TCPSetOption(s, 'timeout', 10_000);
    // "é\n" cut inside the é: one byte, then 300 ms later the rest.
    TCPSend(s, `300 ${hex(Uint8Array.of(0xc3))} ${hex(Uint8Array.of(0xa9, 0x0a))}\n`);
    const text = { value: '' };
    t.is(TCPReceive(s, text), 3);
    t.is(text.value, 'é\n');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});
