// A server (re)started under traffic must start: connections that reach its listener
// before serve() has set up its request watch are served, not a reason to refuse to start
// (issue 23, item 7: "cannot listen on 127.0.0.1:42069: Invalid argument (-10022)").
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import test from 'ava';
import { TCPBind, TCPClose, TCPGetMyPort, TCPGetOption, TCPListen, TCPReceive, TCPSetOption, TCPSocket } from '../src/index.js';
import { nextReadyConnection, watchConnections } from '../src/server/request-calls.js';
import { closedPort } from './helpers/ports.js';
import { waitFor } from './helpers/wait-for.js';

const handler = new URL('./fixtures/handlers/request-lines.mjs', import.meta.url).pathname;
const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;

/** A child's stdout, as it comes. */
function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

/** Connects (retrying while refused, for at most `timeoutMs`), sends one line, resolves with the answer line or the error. */
function askWhenListening(port: number, line: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const attempt = (): void => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      let connected = false;
      socket.setEncoding('utf8');
      socket.on('connect', () => {
        connected = true;
        socket.write(`${line}\n`);
      });
      socket.on('data', (chunk: string) => {
        answer += chunk;
        if (answer.includes('\n')) {
          socket.destroy();
          resolve(answer.trim());
        }
      });
      let retried = false;
      socket.on('error', (error: NodeJS.ErrnoException) => {
        // Refused: nobody listens yet. Try again at once: the point is to be there when it starts.
        retried = !connected && error.code === 'ECONNREFUSED' && Date.now() < deadline;
        if (retried) attempt();
        else resolve(`error: ${error.code ?? error.message}`);
      });
      socket.on('close', () => {
        if (!retried) resolve(`error: closed after '${answer}'`);
      });
    };
    attempt();
  });
}

test.serial('a request watch set up on a listener that already holds a connection takes it and serves it first', async (t) => {
  // serve() binds, listens, then sets up its watch: node:net accepts from the moment of
  // TCPBind, so on a port with traffic a connection can be in the listener's queue by then.
  const listener = TCPSocket();
  t.is(TCPSetOption(listener, 'address', '127.0.0.1'), 0);
  t.is(TCPBind(listener, 0), 0);
  t.is(TCPListen(listener), 0);
  const client = net.connect(TCPGetMyPort(listener), '127.0.0.1');
  t.teardown(() => client.destroy());
  // Written before this thread blocks below: the client lives on this thread's event loop.
  await new Promise<void>((resolve) => client.write('early\n', () => resolve()));
  await waitFor(() => TCPGetOption(listener, 'queued') === 1, 'the engine to take the connection');
  t.true(watchConnections(listener, undefined) >= 0, 'a board number');
  t.is(TCPGetOption(listener, 'queued'), 0);
  const ready = nextReadyConnection(listener, 0); // its bytes are there: handed out at once
  if (typeof ready === 'number') return t.fail(`nextReadyConnection: ${ready}`);
  const holder = { value: '' };
  t.is(TCPReceive(ready.socket, holder), 6);
  t.is(holder.value, 'early\n');
  TCPClose(ready.socket);
  TCPClose(listener);
});

test.serial('tcpcmd serve on a fixed port starts while a client keeps connecting to it', async (t) => {
  t.timeout(120_000);
  const port = await closedPort();
  // The client retries at once while refused, so it connects in the first moment the
  // port listens: before serve() has finished starting.
  const answer = askWhenListening(port, 'early', 100_000);
  const child = spawn(process.execPath, [tcpcmd, 'serve', '--handler', handler, '--address', '127.0.0.1', '--port', String(port), '--threads', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  const text = output(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await Promise.race([waitFor(() => /listening on/.test(text()), 'tcpcmd serve to listen', 110_000), exited]);
  t.regex(text(), /listening on 127\.0\.0\.1:/, text());
  t.regex(await answer, /^\d+ 1 early$/);
  child.kill('SIGTERM');
  t.is(await exited, 0, text());
});
