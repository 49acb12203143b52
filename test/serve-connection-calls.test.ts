// serve()'s connection handlers (`export default`), what a connection costs in engine
// calls: the client's first bytes, read by node before the connection had its number, are
// lent to the thread's read-ahead with it (the handler's first receive is direct), and the
// loop closes the connection it finished in the call that accepts the next (one engine call
// for both). Before: accept, first receive and close were an engine call each.
import test from 'ava';
import net from 'node:net';
import { serve, TCPStats } from '../src/index.js';

const handler = new URL('./fixtures/handlers/echo64-once.mjs', import.meta.url);
const SIZE = 64;
const CONNECTIONS = 50;

function stats(): { engineCalls: number; directReads: number } {
  const figures = TCPStats();
  if (typeof figures === 'number') throw new Error(`TCPStats gave ${figures}`);
  return { engineCalls: figures.engineCalls, directReads: figures.directReads };
}

/** Connects, sends one request, and resolves with the answer once the server has closed. */
function oneRequest(port: number, tag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(tag.padEnd(SIZE, '.')));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => {
      socket.end();
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.once('error', reject);
  });
}

test('a connection handler\'s connection: first receive direct, closed in the call that accepts the next', async (t) => {
  const server = await serve({ handler, address: '127.0.0.1', threads: 1 });
  try {
    await oneRequest(server.port, 'warm-up');
    const before = stats();
    // All at once: the one thread serves them in turn, so each but the first waits with its
    // request already read by node when the thread accepts it.
    const answers = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => oneRequest(server.port, `one ${i}`)));
    answers.forEach((answer, i) => t.is(answer, `one ${i}`.padEnd(SIZE, '.')));
    const after = stats();
    const direct = after.directReads - before.directReads;
    // (This thread's two TCPStats calls are among them.)
    const calls = after.engineCalls - before.engineCalls;
    t.log(`${CONNECTIONS} connections: ${direct} direct reads, ${calls} engine calls`);
    t.true(direct >= CONNECTIONS * 0.8, `${direct} of ${CONNECTIONS} first receives direct`);
    // One call per connection (accept, with the previous one's close); before: three.
    t.true(calls <= CONNECTIONS * 1.5, `${calls} engine calls for ${CONNECTIONS} connections`);
  } finally {
    await server.close();
  }
});
