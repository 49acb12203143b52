// Typed binary framing against a Python peer that uses struct with the same layouts:
// both byte orders, every letter, both directions; format errors are codes.
import test from 'ava';
import { ErrorCode, TCPClose, TCPConnect, TCPReceive, TCPReceiveData, TCPSend, TCPSendData } from '../src/index.js';
import { startStructPeer } from './helpers/peers.js';

const FORMAT = 'b B h H i I q Q f d 5s 6A 2z 4r 3x';
const VALUES: unknown[] = [
  -128, 255, -32768, 65535, -(2 ** 31), 2 ** 32 - 1,
  -(2n ** 63n), 2n ** 64n - 1n,
  1.5, Math.PI,
  'fixed', 'spaced',
  'zero-terminated', 'ünïcödé',
  Uint8Array.of(0, 1, 254, 255),
];

/** The values as the Python peer writes them in JSON: 64-bit integers as strings, raw bytes as hex. */
function asJson(values: unknown[]): unknown[] {
  return values.map((v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

function readLine(socket: number): string {
  const holder = { value: '' };
  let line = '';
  while (!line.endsWith('\n') && TCPReceive(socket, holder) > 0) line += holder.value;
  return line.trim();
}

for (const order of ['>', '<', '!', '=']) {
  test(`every letter, byte order '${order}': Python packs, we receive; we send, Python unpacks`, async (t) => {
    const peer = await startStructPeer();
    try {
      const s = TCPConnect('127.0.0.1', peer.port);
      const format = `${order}${FORMAT}`;
      TCPSend(s, `${JSON.stringify({ pack: format, values: asJson(VALUES) })}\n`);
      t.deepEqual(TCPReceiveData(s, format), VALUES);

      TCPSend(s, `${JSON.stringify({ unpack: format })}\n`);
      t.true((TCPSendData(s, format, VALUES) as number) > 0);
      t.deepEqual(JSON.parse(readLine(s)), asJson(VALUES));
      TCPClose(s);
    } finally {
      await peer.stop();
    }
  });
}

test('repeat counts, byte order changes inside one format, and numbers for 64-bit letters', async (t) => {
  const peer = await startStructPeer();
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    const format = '>3h <2I >q';
    TCPSend(s, `${JSON.stringify({ pack: format, values: [1, -2, 3, 4, 5, '6'] })}\n`);
    t.deepEqual(TCPReceiveData(s, format), [1, -2, 3, 4, 5, 6n]);
    TCPSend(s, `${JSON.stringify({ unpack: format })}\n`);
    t.is(TCPSendData(s, format, [7, 8, 9, 10, 11, 12]), 6 + 8 + 8, 'a safe integer number for q');
    t.deepEqual(JSON.parse(readLine(s)), [7, 8, 9, 10, 11, '12']);
    TCPClose(s);
  } finally {
    await peer.stop();
  }
});

test('format errors and values that do not fit: -1030; the end of the stream: 0 or -1030', async (t) => {
  const peer = await startStructPeer();
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    const bad: Array<[string, unknown[]]> = [
      ['', []],
      ['3', [1]],
      ['i j', [1, 2]],
      ['0i', []],
      ['i', []],
      ['i', [1, 2]],
      ['b', [128]],
      ['B', [-1]],
      ['i', [1.5]],
      ['i', ['1']],
      ['q', [2 ** 60]],
      ['f', ['x']],
      ['4r', [Uint8Array.of(1, 2)]],
      ['z', ['has\0nul']],
      ['s', [5]],
      ['>f', [1e40]], // as struct: too large for a float32 (not Infinity)
      ['1000000000r 1000000000r', [new Uint8Array(0), new Uint8Array(0)]], // a record over 1 GiB
    ];
    for (const [format, values] of bad) t.is(TCPSendData(s, format, values), ErrorCode.BadDataFormat, `${format} ${String(values)}`);
    t.is(TCPReceiveData(s, '2y'), ErrorCode.BadDataFormat);
    t.is(TCPReceiveData(s, '600000000r 600000000r'), ErrorCode.BadDataFormat, 'over 1 GiB: refused before any allocation or read');
    t.is((TCPSendData as (...a: unknown[]) => unknown)(s, 'i'), ErrorCode.WrongCount);
    t.is((TCPSendData as (...a: unknown[]) => unknown)(s, 'i', 5), ErrorCode.WrongType);
    // A record cut short by the end of the stream, then nothing at all.
    TCPSend(s, `${JSON.stringify({ pack: '>h', values: [1] })}\n`);
    TCPClose(s, 1);
    t.is(TCPReceiveData(s, '>i'), ErrorCode.BadDataFormat, 'two bytes of a four-byte record');
    t.is(TCPReceiveData(s, '>i'), 0, 'the peer closed before a record began');
    TCPClose(s);
  } finally {
    await peer.stop();
  }
});
