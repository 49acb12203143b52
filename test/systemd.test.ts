// tcpcmd serve under systemd's protocols, as systemd runs it: a parent (Python here)
// binds and listens, puts the socket on descriptor 3, sets LISTEN_PID to the pid it then
// execs into and LISTEN_FDS=1, and execs tcpcmd serve; NOTIFY_SOCKET names a Unix-domain
// datagram socket this test reads (through a Python peer), where READY=1 must come once
// serving, STOPPING=1 on SIGTERM.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { until } from './helpers/wait-for.js';

const tcpcmd = new URL('../bin/tcpcmd.mjs', import.meta.url).pathname;
const handler = new URL('./fixtures/handlers/request-lines.mjs', import.meta.url).pathname;
const notifyMissing = spawnSync('systemd-notify', ['--help']).error !== undefined;

const ACTIVATE = `
import os, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0))
s.listen(64)
print('bound', s.getsockname()[1], flush=True)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ['LISTEN_PID'] = str(os.getpid())
os.environ['LISTEN_FDS'] = '1'
os.execv(sys.argv[1], sys.argv[1:])
`;

const NOTIFY_PEER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print('bound', flush=True)
while True:
    print(s.recv(4096).decode().replace('\\n', ' '), flush=True)
`;

function start(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function ask(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
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
  });
}

for (const processes of [undefined, 2] as const) {
  const title = processes === undefined ? 'one process' : `--processes ${processes}`;
  test(`systemd socket activation and notify (${title}): serves descriptor 3, READY=1 once serving, STOPPING=1 on SIGTERM`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tcp-systemd-'));
    const notifySocket = join(dir, 'notify');
    const peer = start('python3', ['-c', NOTIFY_PEER, notifySocket]);
    const extra = processes === undefined ? [] : ['--processes', String(processes)];
    let served: ReturnType<typeof start> | undefined;
    try {
      await until(() => peer.output().includes('bound') || peer.child.exitCode !== null);
      served = start('python3', ['-c', ACTIVATE, process.execPath, tcpcmd, 'serve', '--handler', handler, '--port', '1', ...extra], {
        ...process.env,
        NOTIFY_SOCKET: notifySocket,
      });
      t.true(await until(() => /listening on /.test(served!.output()) || served!.child.exitCode !== null, 60_000), served.output());
      const port = Number(/bound (\d+)/.exec(served.output())![1]);
      // The socket systemd (here: the parent) bound, not --port 1.
      t.regex(served.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${port}`));
      t.regex(await ask(port, 'hello'), /^\d+ 1 hello$/);
      if (notifyMissing) {
        t.log('the notify part skipped: no systemd-notify (Debian package systemd)');
        return;
      }
      t.true(await until(() => /READY=1/.test(peer.output()), 20_000), peer.output());
      t.regex(peer.output(), new RegExp(`MAINPID=${served.child.pid} READY=1 STATUS=listening on 127\\.0\\.0\\.1:${port}`));
      t.false(/STOPPING=1/.test(peer.output()));
      served.child.kill('SIGTERM');
      t.is(await served.exited, 0, served.output());
      t.regex(peer.output(), /STOPPING=1/);
    } finally {
      served?.child.kill('SIGKILL');
      peer.child.kill('SIGKILL');
      await peer.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
