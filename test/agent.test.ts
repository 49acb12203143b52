// serve({ agentPort }): HAProxy's agent-check protocol, read with a plain TCP client as
// HAProxy reads it (connect, one line, the server closes): the weight from free threads,
// drain while closing or reloading, down while no thread can serve.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { serve, type TcpServer } from '../src/index.js';
import { until } from './helpers/wait-for.js';

const handlerFile = new URL('./fixtures/handlers/agent-health.mjs', import.meta.url);

/** What the agent says: everything it sends before it closes. */
function askAgent(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error: ${error.code ?? error.message}`));
  });
}

/** Sends one request line; resolves with the answer line (or the error). */
function ask(server: TcpServer, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port: server.port, host: '127.0.0.1' });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.endsWith('\n')) {
        socket.end();
        resolve(text.trim());
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error: ${error.code ?? error.message}`));
    socket.on('close', () => resolve(text === '' ? 'closed' : text.trim()));
  });
}

async function agentSays(port: number, expected: RegExp, timeoutMs = 20_000): Promise<string> {
  let said = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    said = await askAgent(port);
    if (expected.test(said)) return said;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return said;
}

test('agent: up with the share of free threads as weight, drain while closing, then gone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-agent-'));
  const release = join(dir, 'release');
  const server = await serve({ handler: handlerFile, address: '127.0.0.1', threads: 2, agentPort: 0, agentAddress: '127.0.0.1' });
  try {
    const agentPort = server.agentPort!;
    t.is(typeof agentPort, 'number');
    t.is(await askAgent(agentPort), 'up ready 100%\n', 'one line, then the close');
    t.is(await ask(server, 'hello'), 'ok hello');
    // The thread that answered is busy until its call returns, a moment after the answer.
    t.true(await until(() => server.stats().busyThreads === 0));
    const held = ask(server, `HOLD ${release}`);
    t.true(await until(() => server.stats().busyThreads === 1));
    t.is(await agentSays(agentPort, /^up ready 50%\n$/), 'up ready 50%\n', 'one of two threads busy');
    const closed = server.close(30_000);
    t.is(await agentSays(agentPort, /^drain\n$/), 'drain\n', 'closing: drain while the held request goes on');
    writeFileSync(release, '');
    t.is(await held, `ok HOLD ${release}`, 'the held request finished during the drain');
    await closed;
    t.regex(await askAgent(agentPort), /^error: ECONNREFUSED$/, 'the agent closes with the server');
  } finally {
    writeFileSync(release, '');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('agent: down while no thread can serve (the handler no longer loads), up again once it does', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-agent-'));
  const broken = join(dir, 'broken');
  const handler = new URL(`${handlerFile.href}?broken=${encodeURIComponent(broken)}`);
  const logged: string[] = [];
  const server = await serve({ handler, address: '127.0.0.1', threads: 1, agentPort: 0, agentAddress: '127.0.0.1', log: (line) => logged.push(line) });
  try {
    t.is(await askAgent(server.agentPort!), 'up ready 100%\n');
    await ask(server, 'BREAK'); // the thread ends; its replacements fail to load the module
    const down = await agentSays(server.agentPort!, /^down/);
    t.regex(down, /^down #no thread serving/, logged.join('\n'));
    t.is(server.stats().threads, 0);
    rmSync(broken);
    t.is(await agentSays(server.agentPort!, /^up/), 'up ready 100%\n', 'a restarted thread loaded it again');
    t.is(await ask(server, 'again'), 'ok again');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('agent with processes: drain during a reload, up again after it', async (t) => {
  const server = await serve({ handler: handlerFile, address: '127.0.0.1', threads: 1, processes: 1, agentPort: 0, agentAddress: '127.0.0.1' });
  try {
    const agentPort = server.agentPort!;
    t.is(await agentSays(agentPort, /^up/), 'up ready 100%\n');
    let reloaded = false;
    const reload = server.reload!().then(() => (reloaded = true));
    const seen = new Set<string>();
    while (!reloaded) seen.add(await askAgent(agentPort));
    await reload;
    t.true(seen.has('drain\n'), [...seen].join(' | '));
    t.is(await agentSays(agentPort, /^up/), 'up ready 100%\n');
    t.is(await ask(server, 'after'), 'ok after');
  } finally {
    await server.close();
  }
});
