// Diagnostics (issue 19 item 6, issue 14 item 9): the 'tcp-commands:command' channel on the
// calling thread, the engine's events under NODE_DEBUG=tcp-commands (and nothing without
// it), and repeated log lines summarised.
import test from 'ava';
import diagnostics from 'node:diagnostics_channel';
import {
  ErrorCode,
  TCPClose,
  TCPConnect,
  TCPReceive,
  TCPSend,
} from '../src/index.js';
import { type CommandMessage, COMMAND_CHANNEL } from '../src/diagnostics/channels.js';
import { RepeatLimiter } from '../src/diagnostics/repeat-limiter.js';
import { makeTestPki } from './helpers/certs.js';
import { startPythonPeer } from './helpers/peers.js';
import { runFixture } from './helpers/run.js';

const pki = makeTestPki();

test.serial('a subscriber sees each command: name, socket, result, duration', async (t) => {
  const echo = await startPythonPeer('echo');
  const seen: CommandMessage[] = [];
  const listener = (message: unknown): void => {
    seen.push(message as CommandMessage);
  };
  diagnostics.subscribe(COMMAND_CHANNEL, listener);
  try {
    const s = TCPConnect('127.0.0.1', echo.port);
    t.true(s > 0);
    t.is(TCPSend(s, 'ping'), 4);
    const buffer = new Uint8Array(16);
    t.is(TCPReceive(s, buffer), 4);
    t.is(TCPSend(s, 42 as unknown as string), ErrorCode.WrongType);
    t.is(TCPClose(s), 0);
    t.is(TCPClose(s), ErrorCode.InvalidSocket);
    t.deepEqual(
      seen.map(({ command, socket, result }) => [command, socket, result]),
      [
        ['TCPConnect', undefined, s],
        ['TCPSend', s, 4],
        ['TCPReceive', s, 4],
        ['TCPSend', s, ErrorCode.WrongType],
        ['TCPClose', s, 0],
        ['TCPClose', s, ErrorCode.InvalidSocket],
      ],
    );
    for (const message of seen) {
      t.true(Number.isFinite(message.durationMs) && message.durationMs >= 0, `${message.command}: ${message.durationMs}`);
    }
    t.true(seen[0]!.durationMs > 0, 'a connect takes time');
  } finally {
    diagnostics.unsubscribe(COMMAND_CHANNEL, listener);
    await echo.stop();
  }
});

test.serial('with no subscriber nothing is measured', (t) => {
  const realNow = performance.now.bind(performance);
  let calls = 0;
  performance.now = () => {
    calls++;
    return realNow();
  };
  const listener = (): void => {};
  try {
    // Bad arguments: answered on this thread, no engine call, so any clock read is the channel's.
    for (let i = 0; i < 1000; i++) TCPSend('not a socket' as unknown as number, 'x');
    t.is(calls, 0, 'no clock read without a subscriber');
    diagnostics.subscribe(COMMAND_CHANNEL, listener);
    for (let i = 0; i < 1000; i++) TCPSend('not a socket' as unknown as number, 'x');
    t.true(calls >= 2000, `with a subscriber each command is timed (${calls} clock reads)`);
  } finally {
    diagnostics.unsubscribe(COMMAND_CHANNEL, listener);
    performance.now = realNow;
  }
});

test('NODE_DEBUG=tcp-commands prints the engine events, handshake failures capped per window; without it, nothing', async (t) => {
  const args = [pki.file('server.pem'), pki.file('server.key'), '40'];
  const quiet = await runFixture('garbage-hellos.ts', args, { ...process.env, NODE_DEBUG: '' }).done;
  t.is(quiet.stdout.trim(), '40', quiet.stderr);
  t.is(quiet.stderr, '', 'a library prints nothing unasked');

  const loud = await runFixture('garbage-hellos.ts', args, { ...process.env, NODE_DEBUG: 'tcp-commands' }).done;
  t.is(loud.stdout.trim(), '40', loud.stderr);
  const lines = loud.stderr.trim().split('\n');
  t.true(lines.every((line) => /^TCP-COMMANDS \d+: /.test(line)), loud.stderr);
  t.true(lines.some((line) => /socket engine \(generation 1\) ready/.test(line)), loud.stderr);
  const failures = lines.filter((line) => /TLS handshake failed from 127\.0\.0\.1:\d+: the peer sent plain HTTP, not TLS/.test(line));
  t.is(failures.length, 5, `40 failures, 5 lines in the window: ${loud.stderr}`);
});

test('repeated lines: the first few of a window, then one summary line', async (t) => {
  const written: string[] = [];
  const limiter = new RepeatLimiter((line) => written.push(line), 200, 3);
  for (let i = 0; i < 1207; i++) limiter.line('handshake failures', `failure ${i}`);
  limiter.line('refusals', 'refused one');
  t.deepEqual(written, ['failure 0', 'failure 1', 'failure 2', 'refused one']);
  const deadline = Date.now() + 5000;
  while (written.length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.deepEqual(written.slice(4), ['1,204 more handshake failures in the last 0.2 s']);
});
