/**
 * The direct table's entries against many connections (issue 27, "cost that grows with
 * idle connections"): a new connection is numbered so that its entry is free, and when the
 * next numbers' entries are all held, the quietest of their connections gives its entry up
 * and goes on on the engine path, its bytes intact. Before, a connection whose number's
 * entry was held (one DIRECT_ENTRIES numbers older, still open) stayed on the engine path
 * for its life: a process holding 10,000 idle connections ran every new one 4-6x slower.
 */
import test from 'ava';
import { Direct, DIRECT_ENTRIES } from '../src/direct-layout.js';
import { directEntryBase } from '../src/protocol.js';
import { engineHandle, TCPClose, TCPConnect, TCPReceive, TCPReceiveUntil, TCPSend, TCPSocket, TCPStats } from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';

function directReads(): number {
  const stats = TCPStats();
  if (typeof stats === 'number') throw new Error(`TCPStats gave ${stats}`);
  return stats.directReads;
}

/** Takes socket numbers without connections (an unbound socket has no entry) until the next one is `next`. */
function burnNumbersUntil(next: number): void {
  for (;;) {
    const s = TCPSocket();
    if (s < 0) throw new Error(`TCPSocket gave ${s}`);
    TCPClose(s);
    if (s >= next - 1) return;
  }
}

/**
 * `trips` round trips of `text` on `s`: the last echo, and how many receives went direct (a
 * receive that finds nothing within its spin parks in the engine: one trip proves nothing).
 */
function roundTrip(s: number, text: string, trips = 20): { echoed: string; direct: number } {
  const before = directReads();
  let echoed = '';
  for (let trip = 0; trip < trips; trip++) {
    if (TCPSend(s, text) !== text.length) throw new Error('send failed');
    const holder = { value: '' };
    echoed = '';
    while (echoed.length < text.length) {
      const n = TCPReceive(s, holder, text.length - echoed.length);
      if (n <= 0) throw new Error(`receive gave ${n}`);
      echoed += holder.value;
    }
  }
  return { echoed, direct: directReads() - before };
}

test.serial('a connection whose number would share a live connection\'s entry gets the next free one, and the direct path', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const old = TCPConnect('127.0.0.1', peer.port);
    t.true(old > 0);
    t.true(roundTrip(old, 'old\n').direct > 0, 'the old connection is direct');
    burnNumbersUntil(old + DIRECT_ENTRIES);
    const fresh = TCPConnect('127.0.0.1', peer.port);
    t.true(fresh > old + DIRECT_ENTRIES, `numbered ${fresh}: past the one sharing ${old}'s entry`);
    t.true(fresh < old + DIRECT_ENTRIES + 64, 'it skips a few numbers only');
    const { echoed, direct } = roundTrip(fresh, 'fresh\n');
    t.is(echoed, 'fresh\n');
    t.true(direct > 0, 'the new connection reads directly');
    t.is(roundTrip(old, 'still\n').echoed, 'still\n');
    TCPClose(old);
    TCPClose(fresh);
  } finally {
    await peer.stop();
  }
});

test.serial('when every entry a new connection could take is held, the quietest gives it up: its read-ahead and later bytes come through the engine, in order', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    // 64 connections with consecutive numbers: every number the next connection may take
    // (the next one and 63 after it, DIRECT_ENTRIES numbers on) names one of their entries.
    const quiet: number[] = [];
    for (let i = 0; i < 64; i++) quiet.push(TCPConnect('127.0.0.1', peer.port));
    t.deepEqual(quiet, quiet.map((_, i) => quiet[0]! + i), 'consecutive numbers');
    // Each leaves bytes in its read-ahead: the rest of a line it read directly.
    for (const s of quiet) {
      t.is(TCPSend(s, `line ${s}\nrest ${s}\n`), `line ${s}\nrest ${s}\n`.length);
      const line = { value: '' };
      t.true(TCPReceiveUntil(s, line, '\n') > 0);
      t.is(line.value, `line ${s}\n`);
    }
    // A connection gives its entry up only once the engine's looks (every 500 ms) have seen
    // it a second with no call: the rule under test, so the wait is real time, not a
    // condition to poll.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    burnNumbersUntil(quiet[0]! + DIRECT_ENTRIES);
    const fresh = TCPConnect('127.0.0.1', peer.port);
    const index = fresh - quiet[0]! - DIRECT_ENTRIES;
    t.true(index >= 0 && index < 64, `numbered ${fresh}: one of the quiet connections' entries`);
    const { echoed, direct } = roundTrip(fresh, 'fresh\n');
    t.is(echoed, 'fresh\n');
    t.true(direct > 0, 'the new connection reads directly');
    // Every quiet connection, the one that gave its entry up too, has its rest, then echoes.
    for (const s of quiet) {
      const rest = { value: '' };
      t.true(TCPReceiveUntil(s, rest, '\n') > 0);
      t.is(rest.value, `rest ${s}\n`, `socket ${s}'s read-ahead`);
      t.is(roundTrip(s, `again ${s}\n`).echoed, `again ${s}\n`);
    }
    const evicted = quiet[index]!;
    t.is(roundTrip(evicted, 'engine\n').direct, 0, 'the connection that gave its entry up is on the engine path');
    for (const s of [...quiet, fresh]) TCPClose(s);
  } finally {
    await peer.stop();
  }
});

test.serial('connections one after another reuse one read-ahead area, and none sees the last one\'s bytes', async (t) => {
  // engine/ahead-areas.ts: areas go last-freed-first, so a churning server touches a few
  // pages, not a new one (a page fault, 12 us on a VM) for every new socket number.
  const peer = await startPythonPeer('echo');
  try {
    const registry = new Int32Array(engineHandle().tcpCommandsEngine);
    const areas = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const s = TCPConnect('127.0.0.1', peer.port);
      t.true(s > 0);
      // Two lines at once: the line receive leaves the second in the read-ahead area.
      t.is(TCPSend(s, `first ${i}\nsecond ${i}\n`), `first ${i}\nsecond ${i}\n`.length);
      const line = { value: '' };
      t.is(TCPReceiveUntil(s, line, '\n', 100), `first ${i}\n`.length);
      t.is(line.value, `first ${i}\n`);
      t.is(Atomics.load(registry, directEntryBase(s) + Direct.Socket), s, 'the connection is direct');
      areas.add(Atomics.load(registry, directEntryBase(s) + Direct.Area));
      if (i % 2 === 0) {
        // Left unread in the area when it closes: the next connection must not get it.
        t.is(TCPClose(s), 0);
        continue;
      }
      t.is(TCPReceiveUntil(s, line, '\n', 100), `second ${i}\n`.length);
      t.is(line.value, `second ${i}\n`);
      t.is(TCPClose(s), 0);
    }
    t.true(areas.size <= 2, `100 connections one after another used ${areas.size} areas`);
    // Connections open at once have areas of their own: each one's rest stays its own.
    const open = Array.from({ length: 8 }, (_, i) => {
      const s = TCPConnect('127.0.0.1', peer.port);
      t.is(TCPSend(s, `a${i}\nb${i}\n`), `a${i}\nb${i}\n`.length);
      const line = { value: '' };
      t.is(TCPReceiveUntil(s, line, '\n', 100), `a${i}\n`.length);
      return s;
    });
    const live = open.map((s) => Atomics.load(registry, directEntryBase(s) + Direct.Area));
    t.is(new Set(live).size, open.length, `8 open connections, areas ${live.join(' ')}`);
    open.forEach((s, i) => {
      const line = { value: '' };
      t.is(TCPReceiveUntil(s, line, '\n', 100), `b${i}\n`.length);
      t.is(line.value, `b${i}\n`);
      t.is(TCPClose(s), 0);
    });
  } finally {
    await peer.stop();
  }
});
