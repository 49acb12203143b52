// serve()'s board (protocol.ts Board, src/board-ring.ts): whose it is, and what fits in it.
// A closed server's board is freed while its loops may still run (close() waits for them),
// so boards are handed out in turn and a loop uses the ring and its hand-back words only
// while the board's Owner word names its own listener; a connection whose address does not
// fit a ring entry (a long socket path) goes to its thread by NextRequest, whole.
import test from 'ava';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, TCPBind, TCPClose, TCPListen, TCPSocket } from '../src/index.js';
import { postHandBack, takeReady, watchConnections } from '../src/server/request-calls.js';
import { currentRegistry } from '../src/channel/engine-host.js';
import { Board, NO_BOARD, serveBoardBase } from '../src/protocol.js';

function listening(): number {
  const socket = TCPSocket();
  if (socket < 0 || TCPBind(socket, 0) < 0 || TCPListen(socket) < 0) throw new Error('no listener');
  return socket;
}

test('a closed server\'s board is not the next one handed out, and a loop of the old server cannot use the new owner\'s', (t) => {
  const first = listening();
  const firstBoard = watchConnections(first, undefined);
  t.true(firstBoard >= 0 && firstBoard !== NO_BOARD, `board ${firstBoard}`);
  const registry = currentRegistry();
  t.is(Atomics.load(registry, serveBoardBase(firstBoard) + Board.Owner), first);
  TCPClose(first);
  t.is(Atomics.load(registry, serveBoardBase(firstBoard) + Board.Owner), 0, 'freed: no owner');
  const second = listening();
  const secondBoard = watchConnections(second, undefined);
  t.not(secondBoard, firstBoard, 'handed out in turn, not the freed one again');
  // The old server's loop, handed the new board (as if it had been reused), leaves it alone.
  t.is(takeReady(secondBoard, first), undefined);
  t.false(postHandBack(secondBoard, first, 0, 12345));
  t.is(Atomics.load(registry, serveBoardBase(secondBoard) + Board.HandBack), 0, 'no word written');
  t.true(postHandBack(secondBoard, second, 0, 12345), 'its own loop may');
  TCPClose(second);
});

test('a connection on a socket path too long for a ring entry reaches its handler with the whole path', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'tcp-commands-long-path-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const path = join(folder, 'a-name-long-enough-to-pass-52-bytes.sock');
  t.true(Buffer.byteLength(path) > 52 && Buffer.byteLength(path) < 108, `${Buffer.byteLength(path)} bytes`);
  const handler = new URL('./fixtures/handlers/request-peer.mjs', import.meta.url);
  const server = await serve({ handler, address: path, threads: 1 });
  try {
    const ask = (text: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = net.connect({ path }, () => socket.write(text.padEnd(64, '.')));
        let answer = '';
        socket.on('data', (chunk: Buffer) => {
          answer += chunk.toString('utf8');
          if (answer.endsWith('\n')) {
            socket.end();
            resolve(answer.slice(0, -1));
          }
        });
        socket.once('error', reject);
      });
    // The one thread is held by the first request; the others become ready meanwhile, so
    // they wait for it where ready connections wait (the ring, when they fit there).
    const slow = ask('SLOW 300');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const others = await Promise.all([ask('a'), ask('b'), ask('c')]);
    t.is(await slow, path);
    for (const answer of others) t.is(answer, path);
  } finally {
    await server.close();
  }
});
