// Behind a real HAProxy (examples/haproxy/haproxy.cfg as it is, on loopback ports): two
// `tcpcmd serve --proxy` instances stand for two machines; clients connect from 127.0.0.2
// through HAProxy, one instance is killed in the middle of the load.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import test from 'ava';
import { lineClient } from './helpers/line-client.js';
import { waitFor } from './helpers/wait-for.js';

const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;
const handler = new URL('./fixtures/handlers/scale-report.ts', import.meta.url).pathname;
const config = new URL('../examples/haproxy/haproxy.cfg', import.meta.url).pathname;
/** The clients' address: not HAProxy's (127.0.0.1), so the PROXY header is what tells it. */
const CLIENT_ADDRESS = '127.0.0.2';

const haproxyVersion = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
const haproxyMissing = haproxyVersion.error !== undefined || haproxyVersion.status !== 0;

function until(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  return waitFor(condition, 'the condition', timeoutMs);
}

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

async function startMachine(): Promise<Started & { port: number; agentPort: number }> {
  const machine = start(process.execPath, [tcpcmd, 'serve', '--handler', handler, '--proxy', '--address', '127.0.0.1', '--threads', '2', '--agent-port', '0', '--agent-address', '127.0.0.1']);
  await until(() => /agent-check on /.test(machine.output()) || machine.child.exitCode !== null);
  const match = /listening on [^ ]+:(\d+)/.exec(machine.output());
  const agent = /agent-check on [^ ]+:(\d+)/.exec(machine.output());
  if (match === null || agent === null) throw new Error(`tcpcmd serve did not start: ${machine.output()}`);
  return { ...machine, port: Number(match[1]), agentPort: Number(agent[1]) };
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Outcome {
  /** The machine (its port) that answered, or the error. */
  machine?: number;
  error?: string;
  wrong?: string;
}

/** One client connection through HAProxy: greeting, three requests, each answer checked. */
async function session(frontend: number, id: string): Promise<Outcome> {
  const client = lineClient(frontend, '127.0.0.1', CLIENT_ADDRESS);
  const greeting = await client.greeting;
  if (greeting.startsWith('error:')) return { error: greeting };
  let machine: number | undefined;
  for (let i = 0; i < 3; i++) {
    const line = `${id}-${i}`;
    const answer = await client.ask(line);
    if (answer.startsWith('error:')) {
      client.close();
      return { error: answer };
    }
    const [address, port, remote, myPort, , , echoed] = answer.split(' ');
    // The handler's peer and TCPGetRemoteAddr are this client's address and port, as the
    // PROXY header said; the answer is this request's.
    if (address !== CLIENT_ADDRESS || remote !== CLIENT_ADDRESS || Number(port) !== client.localPort() || echoed !== line) {
      client.close();
      return { wrong: `${line} -> ${answer} (client port ${String(client.localPort())})` };
    }
    machine = Number(myPort);
  }
  client.close();
  return { machine };
}

const haproxyTest = haproxyMissing ? test.skip : test.serial;
if (haproxyMissing) console.log('haproxy.test.ts: SKIPPED: no `haproxy` on this machine (Debian package haproxy; .ci/run installs it)');

haproxyTest('HAProxy with send-proxy-v2 over two tcpcmd serve machines: one killed under load', async (t) => {
  t.timeout(300_000);
  const machines = [await startMachine(), await startMachine()] as const;
  t.teardown(() => machines.forEach((machine) => machine.child.kill('SIGKILL')));
  const frontend = await freePort();
  const haproxy = start('haproxy', ['-f', config, '-db'], {
    ...process.env,
    TCPCMD_FRONTEND: `127.0.0.1:${frontend}`,
    TCPCMD_MACHINE1: `127.0.0.1:${machines[0].port}`,
    TCPCMD_MACHINE2: `127.0.0.1:${machines[1].port}`,
    TCPCMD_AGENT1: String(machines[0].agentPort),
    TCPCMD_AGENT2: String(machines[1].agentPort),
  });
  t.teardown(() => haproxy.child.kill('SIGKILL'));
  try {
    // Both machines in service: answers come from both.
    // (HAProxy may still be starting: refused connections are retried for a while.)
    const seen = new Set<number>();
    const deadline = Date.now() + 120_000;
    for (let i = 0; seen.size < 2 && Date.now() < deadline; i++) {
      const outcome = await session(frontend, `warm${i}`);
      if (outcome.machine !== undefined) seen.add(outcome.machine);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.deepEqual([...seen].sort(), [machines[0].port, machines[1].port].sort());

    const LOOPS = 6;
    const outcomes: Array<Outcome & { after: boolean }> = [];
    let killed = false;
    let stop = false;
    const loops = Array.from({ length: LOOPS }, async (_, loop) => {
      for (let i = 0; !stop; i++) {
        const after = killed;
        outcomes.push({ ...(await session(frontend, `c${loop}-${i}`)), after });
      }
    });
    await until(() => outcomes.length >= 60);
    const victim = machines[0];
    victim.child.kill('SIGKILL');
    killed = true;
    await victim.exited;
    // HAProxy notices (2 failed checks a second apart) and sends everything to the survivor.
    const killedAt = outcomes.length;
    await until(() => outcomes.length >= killedAt + 40 && outcomes.slice(-20).every((o) => o.machine === machines[1].port));
    const steadyFrom = outcomes.length;
    await until(() => outcomes.length >= steadyFrom + 60);
    stop = true;
    await Promise.all(loops);

    const wrong = outcomes.filter((o) => o.wrong !== undefined);
    const failedDuring = outcomes.filter((o) => o.error !== undefined);
    const steady = outcomes.slice(steadyFrom);
    t.log(
      `${outcomes.length} sessions of 3 requests through HAProxy (${LOOPS} client loops from ${CLIENT_ADDRESS}); ` +
        `${killedAt} before the kill; ${failedDuring.length} cut or refused around the kill; ${steady.length} after, all on the survivor`,
    );
    t.deepEqual(wrong, [], 'every request that got an answer was answered correctly, with the client\'s real address');
    t.true(steady.every((o) => o.machine === machines[1].port), JSON.stringify(steady.filter((o) => o.machine !== machines[1].port)));
    t.true(outcomes.slice(0, killedAt).some((o) => o.machine === machines[0].port));
  } finally {
    haproxy.child.kill('SIGTERM');
    for (const machine of machines) machine.child.kill('SIGTERM');
    await Promise.all([haproxy.exited, ...machines.map((m) => m.exited)]);
  }
});
