// serve()'s wake-policy tests (serve-wake-policy, serve-late-wake): a request-hold.mjs server
// on 2 threads, one of them held in a "hold" request (blocked in a receive, so the engine
// counts it as running) and a second client ready to ask something while it is held.
import type { ExecutionContext } from 'ava';
import { serve, type TcpServer } from '../../src/index.js';
import { type LineConnection, lineConnection } from './line-connection.js';
import { waitFor } from './wait-for.js';

const handler = new URL('../fixtures/handlers/request-hold.mjs', import.meta.url);

export interface HeldThread {
  server: TcpServer;
  /** The client whose "hold" request keeps one thread; `ask('go')` lets it go ("held <thread>"). */
  held: LineConnection;
  /** A second client, not yet asked anything. */
  waiting: LineConnection;
}

/** Runs `body` with one of the server's two threads held; then ends both clients and closes the server. */
export async function withOneThreadHeld(t: ExecutionContext, address: string, body: (state: HeldThread) => Promise<void>): Promise<void> {
  const server = await serve({ handler, address, threads: 2 });
  const target = address.startsWith('/') ? address : server.port;
  const held = lineConnection(target);
  const waiting = lineConnection(target);
  try {
    await waitFor(() => server.stats().threads === 2, 'both threads serving', 10_000);
    t.is(await held.ask('hold'), 'holding');
    await body({ server, held, waiting });
  } finally {
    await Promise.all([held.end(), waiting.end()]);
    await server.close();
  }
}

/** `connection`'s answer to `line`, or 'no answer within 10 s' (a failure message, not a hang until ava's time-out). */
export function answerWithin10s(connection: LineConnection, line: string): Promise<string> {
  const late = new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 10 s'), 10_000).unref());
  return Promise.race([connection.ask(line), late]);
}
