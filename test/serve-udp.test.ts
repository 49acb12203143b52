// serve({ udp: true }) and tcpcmd serve --udp: datagram handlers on pool threads, answered
// with UDPSendTo, tried by real Python clients (test/peers/udp_client_peer.py) and node's dgram.
import test from 'ava';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serve, TCPClose, TCPGetMyPort, TCPStats, UDPOpen } from '../src/index.js';
import { run } from './helpers/run.js';
import { waitFor } from './helpers/wait-for.js';

const udpPeer = new URL('./peers/udp_client_peer.py', import.meta.url).pathname;
const handler = (name: string): URL => new URL(`./fixtures/handlers/${name}`, import.meta.url);

/** udp_client_peer.py clients: K Python client threads, N datagrams each, every answer checked. */
async function pythonClients(port: number, clients: number, each: number): Promise<string> {
  const result = await run('python3', [udpPeer, 'clients', String(port), String(clients), String(each)]).done;
  return `${result.stdout.trim()}${result.stderr === '' ? '' : ` stderr: ${result.stderr}`}`;
}

/** One Python client, one datagram: the answer's text ('timeout' after 5 s). */
async function ask(port: number, text: string): Promise<string> {
  const result = await run('python3', [udpPeer, 'ask', String(port), text]).done;
  return `${result.stdout.trim()}${result.stderr === '' ? '' : ` stderr: ${result.stderr}`}`;
}

/** node's dgram as a client: sends `text` and resolves with the first answer. */
async function dgramAsk(port: number, text: string): Promise<string> {
  const socket = dgram.createSocket('udp4');
  try {
    const answer = new Promise<string>((resolve) => socket.once('message', (message) => resolve(message.toString())));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.send(text, port, '127.0.0.1');
    return await answer;
  } finally {
    socket.close();
  }
}

function datagramSockets(): number {
  const stats = TCPStats();
  return typeof stats === 'object' ? stats.sockets.datagram : -1;
}

test('Python clients get their datagrams answered, 8 at once, over 2 pool threads', async (t) => {
  const server = await serve({ udp: true, handler: handler('udp-commands.ts'), address: '127.0.0.1', threads: 2 });
  try {
    t.is(server.address, '127.0.0.1');
    t.true(server.port > 0);
    t.is(await ask(server.port, 'hello over udp'), 'HELLO OVER UDP');
    t.is(await pythonClients(server.port, 8, 25), 'ok 200 failed 0');
    await waitFor(() => server.stats().datagrams >= 201, 'the count', 10_000);
    t.like(server.stats(), { handler: 'datagram', failed: 0, dropped: 0, accepted: 0 });
    // Lost datagrams are sent again by the clients (udp_client_peer.py), so a few more may be counted.
    t.true(server.stats().datagrams >= 201);
  } finally {
    await server.close();
  }
});

test('the handler gets the bytes and the sender; a busy thread does not stop the other', async (t) => {
  const server = await serve({ udp: true, handler: handler('udp-commands.ts'), address: '127.0.0.1', threads: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'serve-udp-'));
  const release = join(dir, 'release');
  try {
    const who = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => who.bind(0, '127.0.0.1', resolve));
    const answer = new Promise<string>((resolve) => who.once('message', (message) => resolve(message.toString())));
    who.send('WHO', server.port, '127.0.0.1');
    t.is(await answer, `127.0.0.1 ${who.address().port} 3`);
    who.close();

    const held = ask(server.port, `HOLD ${release}`);
    await waitFor(() => server.stats().busyThreads === 1, 'one thread held', 10_000);
    t.is(await dgramAsk(server.port, 'served meanwhile'), 'SERVED MEANWHILE');
    writeFileSync(release, '');
    t.is(await held, 'released');
  } finally {
    writeFileSync(release, '');
    await server.close();
  }
});

test('a handler that throws is logged with the sender and counted; the server goes on', async (t) => {
  const logged: string[] = [];
  const server = await serve({ udp: true, handler: handler('udp-commands.ts'), address: '127.0.0.1', threads: 2, log: (line) => logged.push(line) });
  try {
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    sender.send('THROW', server.port, '127.0.0.1');
    await waitFor(() => logged.length === 1, 'the log line', 10_000);
    t.regex(logged[0]!, new RegExp(`^serve: datagram handler failed for 127\\.0\\.0\\.1:${sender.address().port}: Error: this datagram handler fails on purpose`));
    sender.close();
    t.is(await ask(server.port, 'still serving'), 'STILL SERVING');
    // The count moves once the handler has returned, just after its answer went.
    await waitFor(() => server.stats().datagrams === 1, 'the count', 10_000);
    t.like(server.stats(), { failed: 1, datagrams: 1 });
  } finally {
    await server.close();
  }
});

test('a handler that ends its thread: a new loop takes its place, and the socket (shared by the loops) stays open', async (t) => {
  const logged: string[] = [];
  const server = await serve({ udp: true, handler: handler('udp-commands.ts'), address: '127.0.0.1', threads: 1, log: (line) => logged.push(line) });
  try {
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    sender.send('EXIT', server.port, '127.0.0.1');
    await waitFor(() => server.stats().failed === 1, 'the thread death counted', 10_000);
    sender.close();
    t.is(await ask(server.port, 'after the death'), 'AFTER THE DEATH');
  } finally {
    await server.close();
  }
});

test.serial('close() ends the loops, closes the socket and frees the port', async (t) => {
  const before = datagramSockets();
  const server = await serve({ udp: true, handler: handler('udp-commands.ts'), address: '127.0.0.1', threads: 3 });
  t.is(datagramSockets(), before + 1);
  t.is(await ask(server.port, 'once'), 'ONCE');
  await waitFor(() => server.stats().datagrams === 1, 'the count', 10_000);
  t.deepEqual(await server.close(), { completed: 1, abandoned: 0 });
  t.is(datagramSockets(), before);
  t.like(server.stats(), { datagrams: 1, busyThreads: 0 });
  const reuse = UDPOpen('127.0.0.1', server.port);
  t.true(reuse > 0, `the port is free: ${reuse}`);
  TCPClose(reuse);
});

test('refusals: processes, TLS, a module without datagram(), a datagram-only module served as TCP, a port in use', async (t) => {
  const udpHandler = handler('udp-commands.ts');
  await t.throwsAsync(serve({ udp: true, handler: udpHandler, processes: 2 }), { message: /udp cannot be used with processes/ });
  await t.throwsAsync(serve({ udp: true, handler: udpHandler, cert: 'x.pem', key: 'x.key' }), { message: /udp cannot be used with cert, key/ });
  await t.throwsAsync(serve({ udp: true, handler: handler('greet.ts'), address: '127.0.0.1', threads: 1 }), {
    message: /has no datagram handler: export function datagram\(socket, data, from\)/,
  });
  await t.throwsAsync(serve({ handler: udpHandler, address: '127.0.0.1', threads: 1 }), { message: /it exports datagram\(\): serve it with udp: true/ });
  const taken = UDPOpen('127.0.0.1', 0);
  try {
    await t.throwsAsync(serve({ udp: true, handler: udpHandler, address: '127.0.0.1', port: TCPGetMyPort(taken), threads: 1 }), {
      message: /cannot receive datagrams on 127\.0\.0\.1:\d+: .*\(-10048\)/,
    });
  } finally {
    TCPClose(taken);
  }
});

test('tcpcmd serve --udp with examples/handlers/udp-echo.ts answers Python and dgram clients; SIGUSR1 and SIGTERM print the counts', async (t) => {
  const child = spawn(process.execPath, ['bin/tcpcmd.mjs', 'serve', '--udp', '--handler', 'examples/handlers/udp-echo.ts', '--address', '127.0.0.1', '--threads', '2']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const output: string[] = [];
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  const match = /^listening on 127\.0\.0\.1:(\d+) \(udp\)$/.exec(first);
  t.truthy(match, `${first} ${stderr}`);
  const port = Number(match![1]);
  t.is(await ask(port, 'from python'), 'FROM PYTHON');
  t.is(await dgramAsk(port, 'from node dgram'), 'FROM NODE DGRAM');
  const statsLine = new Promise<string>((resolve) => lines.once('line', resolve));
  child.kill('SIGUSR1');
  t.regex(await statsLine, /^stats: datagram handler, busy threads \d, datagrams \d, failed 0, dropped 0$/);
  lines.on('line', (line) => output.push(line));
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.once('exit', resolve));
  t.is(code, 0, stderr);
  t.deepEqual(output, ['SIGTERM: closing', 'datagrams 2, failed 0, dropped 0, abandoned 0']);
});

test('tcpcmd serve --udp refuses the stream-only flags', async (t) => {
  const result = await run(process.execPath, ['bin/tcpcmd.mjs', 'serve', '--udp', '--handler', 'examples/handlers/udp-echo.ts', '--processes', '2', '--backlog', '4']).done;
  t.is(result.code, 2);
  t.regex(result.stderr, /--udp does not go with --processes, --backlog/);
});
