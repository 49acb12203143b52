// The event-style API: callbacks in their documented order, error paths, a refused
// client, and a listener that hands a connection to a blocking handler by number.
import test from 'ava';
import { runFixture } from './helpers/run.js';
import { createPool, ErrorCode, TCPConnection, TCPListener, type IncomingClient } from '../src/index.js';
import { startHostilePeer, startPythonPeer } from './helpers/peers.js';
import { closedPort } from './helpers/ports.js';
import { run } from './helpers/run.js';

const requestScript = new URL('./peers/request.py', import.meta.url).pathname;

test('a connection: onConnection, onData, onShutdown, onTerminate, in order; sends queued before connect', async (t) => {
  const echo = await startPythonPeer('echo');
  try {
    const events: string[] = [];
    let received = '';
    const connection = TCPConnection.connect({
      host: '127.0.0.1',
      port: echo.port,
      onConnection: (c) => events.push(`connection ${c.address} ${c.socket > 0}`),
      onData: (_c, data) => {
        received += Buffer.from(data).toString();
        if (!events.includes('data')) events.push('data');
      },
      onShutdown: () => events.push('shutdown'),
      onError: (_c, code) => events.push(`error ${code}`),
      onTerminate: () => events.push('terminate'),
    });
    connection.send('queued before the connection; ');
    connection.send(new Uint8Array(Buffer.from('then bytes')));
    connection.shutdown(); // the echo server answers, sees our FIN, closes
    t.true(await connection.wait(5000));
    t.is(received, 'queued before the connection; then bytes');
    t.deepEqual(events, ['connection 127.0.0.1 true', 'data', 'shutdown', 'terminate']);
    t.true(connection.closed);
  } finally {
    await echo.stop();
  }
});

test('error paths: refused, reset by the peer, TLS failure; onError then onTerminate', async (t) => {
  const peer = await startHostilePeer('reset');
  const echo = await startPythonPeer('echo');
  try {
    const outcomes: string[][] = [];
    const watch = (host: string, port: number, secure = false): Promise<boolean> => {
      const events: string[] = [];
      outcomes.push(events);
      const c = TCPConnection.connect({
        host,
        port,
        secure,
        onConnection: () => events.push('connection'),
        onData: () => (events.includes('data') ? undefined : events.push('data')),
        onShutdown: () => events.push('shutdown'),
        onError: (_c, code) => events.push(`error ${code}`),
        onTerminate: () => events.push('terminate'),
      });
      return c.wait(10_000);
    };
    await watch('127.0.0.1', await closedPort());
    await watch('127.0.0.1', peer.port);
    await watch('127.0.0.1', echo.port, true); // echoes our hello back: not TLS, the handshake fails
    t.deepEqual(outcomes[0], [`error ${ErrorCode.ConnectionRefused}`, 'terminate']);
    t.deepEqual(outcomes[1], ['connection', 'data', `error ${ErrorCode.ConnectionReset}`, 'terminate']);
    t.deepEqual(outcomes[2], [`error ${ErrorCode.TlsError}`, 'terminate']);
  } finally {
    await peer.stop();
    await echo.stop();
  }
});

test('a listener refuses a client by address, serves others with per-connection options', async (t) => {
  const offered: IncomingClient[] = [];
  const served: string[] = [];
  const listener = TCPListener.listen({
    address: '127.0.0.1',
    onConnection: (_l, client) => {
      offered.push(client);
      if (offered.length === 2) return null; // refuse the second client
      return {
        options: { nodelay: 1, timeout: 5000 },
        onData: (c, data) => {
          served.push(Buffer.from(data).toString().trim());
          c.send(`served ${c.port}`);
          c.close();
        },
      };
    },
  });
  try {
    const first = (await run('python3', [requestScript, String(listener.port), 'hello']).done).stdout.trim().split('\n');
    const second = (await run('python3', [requestScript, String(listener.port), 'hello']).done).stdout.trim().split('\n');
    t.is(first[1], `reply served ${first[0]!.split(' ')[1]}`);
    t.true(['reset', 'reply'].includes(second[1] ?? '') || second[0] === 'refused', `refused: ${second.join('|')}`);
    t.is(offered.length, 2);
    t.is(offered[0]!.address, '127.0.0.1');
    t.deepEqual(served, ['hello']);
  } finally {
    listener.close();
    await listener.wait();
  }
});

test('a listener hands a connection to a blocking handler on a pool thread, by number', async (t) => {
  const pool = createPool({ threads: 1 });
  const handled: Array<Promise<unknown>> = [];
  const listener = TCPListener.listen({
    address: '127.0.0.1',
    onConnection: (_l, client) => {
      handled.push(pool.run(new URL('./fixtures/scripts/serve-and-close.ts', import.meta.url), client.socket, client));
      return { detach: true };
    },
  });
  try {
    const reply = (await run('python3', [requestScript, String(listener.port), 'ECHO from a pool thread']).done).stdout;
    t.regex(reply, /reply from a pool thread/);
    await Promise.all(handled);
  } finally {
    listener.close();
    await listener.wait();
    await pool.close();
  }
});

test('callbacks that throw: the connection still ends, the error is rethrown uncaught; a listener ended by an accept error frees its port', async (t) => {
  const { code, stdout, stderr } = await runFixture('throwing-callbacks.ts').done;
  t.is(code, 0, stderr);
  const seen = JSON.parse(stdout) as {
    connections: Record<string, { over: boolean; onTerminateRan: boolean }>;
    connectionsLeft: number;
    uncaught: string[];
    listener: { over: boolean; error: number; connectAfterwards: number; refused: number };
  };
  for (const [which, { over, onTerminateRan }] of Object.entries(seen.connections)) {
    t.true(over, `${which}: wait() resolved`);
    t.is(onTerminateRan, which !== 'onTerminate', `${which}: onTerminate ran`);
  }
  t.is(seen.connectionsLeft, 0, 'no connection left open');
  t.deepEqual(seen.uncaught, ['onConnection threw', 'onData threw', 'onError threw', 'onShutdown threw', 'onTerminate threw']);
  t.true(seen.listener.over, 'the listener ended');
  t.is(seen.listener.error, -522);
  t.is(seen.listener.connectAfterwards, seen.listener.refused, 'its port is free: connection refused');
});
