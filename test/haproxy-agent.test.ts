// examples/haproxy/haproxy.cfg's agent-check with a real HAProxy (Debian's haproxy;
// skipped, saying so, where it is missing): two `tcpcmd serve --proxy --agent-port`
// machines on loopback; HAProxy's own view of them, read from its stats socket, goes to
// DRAIN while machine 1 reloads (SIGHUP, with a connection held open so that the old
// process drains for a while), to DOWN when machine 2's handler no longer loads, and back
// to UP once it loads again.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { waitFor } from './helpers/wait-for.js';

const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;
const config = new URL('../examples/haproxy/haproxy.cfg', import.meta.url).pathname;
const holdingHandler = new URL('./fixtures/handlers/scale-report.ts', import.meta.url).pathname;
const breakingHandler = new URL('./fixtures/handlers/agent-health.mjs', import.meta.url).pathname;

const haproxyVersion = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
const haproxyMissing = haproxyVersion.error !== undefined || haproxyVersion.status !== 0;

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function startMachine(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started & { port: number; agentPort: number }> {
  const machine = start(process.execPath, [tcpcmd, 'serve', ...args, '--proxy', '--address', '127.0.0.1', '--agent-port', '0', '--agent-address', '127.0.0.1'], env);
  await waitFor(() => /agent-check on /.test(machine.output()) || machine.child.exitCode !== null, 'tcpcmd serve started', 60_000);
  const port = /listening on [^ ]+:(\d+)/.exec(machine.output());
  const agent = /agent-check on [^ ]+:(\d+)/.exec(machine.output());
  if (port === null || agent === null) throw new Error(`tcpcmd serve did not start: ${machine.output()}`);
  return { ...machine, port: Number(port[1]), agentPort: Number(agent[1]) };
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One admin command on HAProxy's stats socket; resolves with its answer. */
function haproxyCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', () => resolve(''));
  });
}

/** HAProxy's status of each server of the backend ('UP', 'DRAIN', 'DOWN', ...) from `show stat`. */
async function serverStatus(socketPath: string): Promise<Record<string, string>> {
  const csv = await haproxyCommand(socketPath, 'show stat');
  const lines = csv.split('\n').filter((line) => line !== '');
  if (lines.length === 0) return {};
  const header = lines[0]!.replace(/^# /, '').split(',');
  const column = (name: string): number => header.indexOf(name);
  const status: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    if (fields[column('pxname')] === 'tcpcmd_machines' && fields[column('svname')]?.startsWith('machine')) status[fields[column('svname')]!] = fields[column('status')]!;
  }
  return status;
}

const haproxyTest = haproxyMissing ? test.skip : test.serial;
if (haproxyMissing) console.log('haproxy-agent.test.ts: SKIPPED: no `haproxy` on this machine (Debian package haproxy; .ci/run installs it)');

haproxyTest('HAProxy agent-check: DRAIN during a reload, DOWN when the handler no longer loads', async (t) => {
  t.timeout(240_000);
  t.log(haproxyVersion.stdout.split('\n')[0]);
  const dir = mkdtempSync(join(tmpdir(), 'tcp-haproxy-agent-'));
  const broken = join(dir, 'broken');
  const machine1 = await startMachine(['--handler', holdingHandler, '--processes', '1', '--threads', '2', '--grace', '60']);
  const machine2 = await startMachine(['--handler', breakingHandler, '--threads', '1'], { ...process.env, TCP_TEST_BROKEN_FILE: broken });
  const statsSocket = join(dir, 'haproxy.sock');
  // The example configuration as it is, plus a stats socket for this test to read HAProxy's view.
  writeFileSync(join(dir, 'stats.cfg'), `global\n    stats socket ${statsSocket} level admin\n`);
  const haproxy = start('haproxy', ['-f', config, '-f', join(dir, 'stats.cfg'), '-db'], {
    ...process.env,
    TCPCMD_FRONTEND: `127.0.0.1:${await freePort()}`,
    TCPCMD_MACHINE1: `127.0.0.1:${machine1.port}`,
    TCPCMD_MACHINE2: `127.0.0.1:${machine2.port}`,
    TCPCMD_AGENT1: String(machine1.agentPort),
    TCPCMD_AGENT2: String(machine2.agentPort),
  });
  let held: net.Socket | undefined;
  let status: Record<string, string> = {};
  const statusIs = async (server: string, expected: RegExp): Promise<boolean> => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && haproxy.child.exitCode === null) {
      status = await serverStatus(statsSocket);
      if (expected.test(status[server] ?? '')) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  };
  try {
    t.true(await statusIs('machine1', /^UP$/), `machine1: ${JSON.stringify(status)} ${haproxy.output()}`);
    t.true(await statusIs('machine2', /^UP$/), `machine2: ${JSON.stringify(status)}`);

    // A connection held open on machine 1 (its own PROXY header, as HAProxy would send):
    // the old process of a reload drains until it ends.
    held = net.connect({ port: machine1.port, host: '127.0.0.1' });
    held.setEncoding('utf8');
    let greeting = '';
    held.on('data', (chunk: string) => (greeting += chunk));
    held.write('PROXY TCP4 127.0.0.2 127.0.0.1 50000 7000\r\n');
    await waitFor(() => greeting.startsWith('hello '), 'the held connection greeted', 30_000);
    machine1.child.kill('SIGHUP');
    t.true(await statusIs('machine1', /^DRAIN/), `machine1 while reloading: ${JSON.stringify(status)}`);
    held.end();
    t.true(await statusIs('machine1', /^UP$/), `machine1 after the reload: ${JSON.stringify(status)}`);

    // Machine 2's handler breaks: its thread dies, its replacements cannot load it.
    writeFileSync(broken, '1');
    const breaker = net.connect({ port: machine2.port, host: '127.0.0.1' });
    breaker.on('error', () => {});
    breaker.write('PROXY TCP4 127.0.0.2 127.0.0.1 50001 7000\r\nBREAK\n');
    t.true(await statusIs('machine2', /^DOWN/), `machine2 broken: ${JSON.stringify(status)}`);
    t.is(status.machine1, 'UP', 'the other machine serves on');
    breaker.destroy();
    // Mended on disk: the next restarted thread (a fresh one) loads it, and the agent says up.
    rmSync(broken);
    t.true(await statusIs('machine2', /^UP$/), `machine2 mended: ${JSON.stringify(status)}`);
  } finally {
    held?.destroy();
    haproxy.child.kill('SIGTERM');
    machine1.child.kill('SIGTERM');
    machine2.child.kill('SIGTERM');
    await Promise.all([haproxy.exited, machine1.exited, machine2.exited]);
    rmSync(dir, { recursive: true, force: true });
  }
});
