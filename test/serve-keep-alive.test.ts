// serve()'s request dispatch at one wake-up per request (issue 27): a thread that has just
// answered keeps its connection while the next request arrives within its spin and no
// other connection waits (src/server/keep-alive.ts), and the engine lends a ready
// connection's bytes to the thread with the hand-out (the handler's first receive is
// direct). Real threads, a node:net client on this thread's event loop.
import anyTest from 'ava';
import net from 'node:net';
import { serve, TCPStats } from '../src/index.js';

const test = anyTest.serial;
const handler = new URL('./fixtures/handlers/request-echo64.mjs', import.meta.url);
const SIZE = 64;

function stats(): { engineCalls: number; directReads: number } {
  const figures = TCPStats();
  if (typeof figures === 'number') throw new Error(`TCPStats gave ${figures}`);
  return { engineCalls: figures.engineCalls, directReads: figures.directReads };
}

/** A client that writes `requests` 64-byte requests at once and resolves with every answer, and when each came. */
function pipelined(port: number, requests: number, tag: string): { done: Promise<Buffer>; sent: Promise<void>; answered: () => number } {
  const socket = net.connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  let received = 0;
  const done = new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= requests * SIZE) {
        socket.end();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.once('error', reject);
  });
  const body = Buffer.alloc(requests * SIZE);
  for (let i = 0; i < requests; i++) body.write(`${tag} ${i}`.padEnd(SIZE, '.'), i * SIZE, 'latin1');
  const sent = new Promise<void>((resolve) => socket.once('connect', () => socket.write(body, () => resolve())));
  return { done, sent, answered: () => Math.floor(received / SIZE) };
}

test('pipelined requests are served by the thread that answered the first, without an engine call each', async (t) => {
  const server = await serve({ handler, address: '127.0.0.1', threads: 2 });
  try {
    const requests = 2_000;
    const before = stats();
    const answers = await pipelined(server.port, requests, 'p').done;
    const after = stats();
    for (let i = 0; i < requests; i += 397) t.is(answers.toString('latin1', i * SIZE, (i + 1) * SIZE), `p ${i}`.padEnd(SIZE, '.'));
    t.is(answers.length, requests * SIZE);
    const calls = after.engineCalls - before.engineCalls;
    t.log(`${requests} requests: ${calls} engine calls, ${after.directReads - before.directReads} direct reads`);
    // Handing each connection back and taking the next is one engine call per request, and
    // a receive the engine answers another: without the keep-alive path, >= 2,000.
    t.true(calls < requests / 4, `${calls} engine calls for ${requests} requests`);
  } finally {
    await server.close();
  }
});

test('a thread keeps a connection only while no other waits: a second client is answered long before the first one\'s flood ends', async (t) => {
  const server = await serve({ handler, address: '127.0.0.1', threads: 1 });
  try {
    // 400 requests of 5 ms each, all sent at once: the bytes are always there ahead of the
    // one thread, which would keep this connection for 256 of them (the 16 KiB the engine
    // lent with the hand-out: then it must come back for the rest) if it did not look
    // whether another connection waits.
    const flood = pipelined(server.port, 400, 'SLOW 5');
    while (flood.answered() < 5) await new Promise((resolve) => setImmediate(resolve));
    const other = pipelined(server.port, 1, 'other');
    const answer = await other.done;
    const floodAnswered = flood.answered();
    t.is(answer.toString('latin1'), 'other 0'.padEnd(SIZE, '.'));
    t.log(`the other client was answered after ${floodAnswered} of the flood's 400`);
    t.true(floodAnswered < 150, `answered only after ${floodAnswered} of the flood's requests`);
    t.is((await flood.done).length, 400 * SIZE);
  } finally {
    await server.close();
  }
});

test('a ready connection\'s first request is read directly: the engine lends what it read during the watch', async (t) => {
  const server = await serve({ handler, address: '127.0.0.1', threads: 2 });
  try {
    const before = stats();
    // One request per connection: each is read by the engine's watch, then handed out.
    for (let i = 0; i < 50; i++) {
      const answer = await pipelined(server.port, 1, `one ${i}`).done;
      t.is(answer.toString('latin1'), `one ${i} 0`.padEnd(SIZE, '.'));
    }
    const after = stats();
    const direct = after.directReads - before.directReads;
    t.log(`50 connections: ${direct} direct reads, ${after.engineCalls - before.engineCalls} engine calls`);
    // Without the lending, the handler's receive of bytes the engine holds is the engine's.
    t.true(direct >= 40, `${direct} of 50 first receives direct`);
  } finally {
    await server.close();
  }
});

test('ready connections are taken from the board\'s ring: a busy thread serves the ones that came meanwhile without an engine call each', async (t) => {
  const server = await serve({ handler, address: '127.0.0.1', threads: 1 });
  try {
    const slow = pipelined(server.port, 1, 'SLOW 1500');
    await slow.sent;
    const before = stats();
    // While the one thread is in the slow request, 20 other clients send one request each
    // (all of them written well within its 1.5 s).
    const others = Array.from({ length: 20 }, (_, i) => pipelined(server.port, 1, `r${i}`));
    await Promise.all(others.map((other) => other.sent));
    const answers = await Promise.all(others.map((other) => other.done));
    await slow.done;
    const after = stats();
    answers.forEach((answer, i) => t.is(answer.toString('latin1'), `r${i} 0`.padEnd(SIZE, '.')));
    const calls = after.engineCalls - before.engineCalls;
    t.log(`20 ready connections served with ${calls} engine calls`);
    // NextRequest per connection would be 20 at least.
    t.true(calls < 10, `${calls} engine calls`);
  } finally {
    await server.close();
  }
});
