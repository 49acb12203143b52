// Character fields never garble text: a multi-byte character split across TCP segments
// is held back until it is whole, at every possible split point.
import test from 'ava';
import { TCPClose, TCPConnect, TCPReceive, TCPSend } from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';

const TEXT = 'aé€😀ß中文\u{10348}z';
const BYTES = Buffer.from(TEXT, 'utf8');

test('a UTF-8 text split at every byte boundary arrives ungarbled', async (t) => {
  const peer = await startPythonPeer('split');
  try {
    let splitReads = 0;
    for (let k = 1; k < BYTES.length; k++) {
      const s = TCPConnect('127.0.0.1', peer.port);
      TCPSend(s, `${k} ${BYTES.toString('hex')}\n`);
      const pieces: string[] = [];
      let bytes = 0;
      const holder = { value: '' };
      for (;;) {
        const n = TCPReceive(s, holder);
        if (n <= 0) break;
        t.false(holder.value.includes('\uFFFD'), `split at ${k}: a read ended inside a character`);
        t.is(Buffer.byteLength(holder.value), n, 'the count is in bytes');
        pieces.push(holder.value);
        bytes += n;
      }
      t.is(bytes, BYTES.length);
      t.is(pieces.join(''), TEXT, `split at byte ${k}`);
      // When the read came between the two parts (the peer pauses 100 ms), it ends on
      // the last whole character before the split point.
      const before = BYTES.subarray(0, k).toString('utf8').replace(/\uFFFD+$/, '');
      if (pieces.length > 1) {
        splitReads++;
        t.is(pieces[0], before, `split at byte ${k}: the first read`);
      }
      TCPClose(s);
    }
    t.true(splitReads >= (BYTES.length - 1) * 0.8, `only ${splitReads} reads saw a split`);
  } finally {
    await peer.stop();
  }
});

test('maxbytes smaller than what is there still ends on a whole character', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    TCPSend(s, '€€€'); // 9 bytes
    const holder = { value: '' };
    const seen: string[] = [];
    let total = 0;
    while (total < 9) {
      const n = TCPReceive(s, holder, 4); // 4 bytes would cut the second €
      t.true(n > 0);
      t.true(n % 3 === 0, `read ${n} bytes`);
      seen.push(holder.value);
      total += n;
    }
    t.is(seen.join(''), '€€€');
    TCPClose(s);
  } finally {
    await peer.stop();
  }
});

test('a binary receive after a held-back character gets the raw bytes', async (t) => {
  const peer = await startPythonPeer('split');
  try {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    const s = TCPConnect('127.0.0.1', peer.port);
    TCPSend(s, `2 ${euro.toString('hex')}\n`);
    const holder = { value: '' };
    // The peer sends 61 e2, pauses 100 ms, sends 82 ac: the read in between gets 'a' only.
    t.is(TCPReceive(s, holder), 1);
    t.is(holder.value, 'a');
    const raw = new Uint8Array(8);
    let got = 0;
    while (got < 3) got += TCPReceive(s, raw.subarray(got));
    t.deepEqual([...raw.subarray(0, 3)], [0xe2, 0x82, 0xac]);
    TCPClose(s);
  } finally {
    await peer.stop();
  }
});
