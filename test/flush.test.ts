// Bytes reported as sent are delivered, or a command says they were not: the exit flush
// waits for a slow reader (bounded by TCP_COMMANDS_EXIT_TIMEOUT), and TCPFlush lets a
// script wait until its bytes have left node for the kernel.
import test from 'ava';
import { createHash } from 'node:crypto';
import { ErrorCode, TCPClose, TCPConnect, TCPFlush, TCPSend, TCPSetOption } from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';
import { runFixture } from './helpers/run.js';

const MiB = 1024 * 1024;

function pattern(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7) & 255);
}

test('a child sends 16 MiB through a 32 MiB sndbuf to a slow reader and exits: the peer gets all 16 MiB', async (t) => {
  // The peer reads nothing for 4 s: longer than the old 2 s exit flush.
  const sink = await startPythonPeer('sink', '--read-after', '4');
  try {
    const size = 16 * MiB;
    const result = await runFixture('send-big-and-exit.ts', [String(sink.port), String(size), String(32 * MiB)]).done;
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout.trim(), String(size), 'TCPSend reported it all sent');
    t.is(result.stderr, '', 'no warning: nothing was left behind');
    t.is(await sink.nextLine(60_000), `sink ${size} ${createHash('sha256').update(pattern(size)).digest('hex')}`);
  } finally {
    await sink.stop();
  }
});

test('when the exit time-out passes first, the exit says so on stderr', async (t) => {
  const sink = await startPythonPeer('sink', '--read-after', '20');
  try {
    const result = await runFixture('send-big-and-exit.ts', [String(sink.port), String(16 * MiB), String(32 * MiB)], {
      ...process.env,
      TCP_COMMANDS_EXIT_TIMEOUT: '300',
    }).done;
    t.is(result.code, 0);
    t.regex(result.stderr, /at exit, 1 connection\(s\) still had sent bytes not handed to the kernel.*300 ms/);
  } finally {
    await sink.stop();
  }
});

test('TCPFlush: -522 while the bytes wait in node, 0 once they are in the kernel; argument checks', async (t) => {
  const size = 16 * MiB;
  const data = pattern(size); // made first: slow on a loaded machine, and the peer's wait starts at connect
  const sink = await startPythonPeer('sink', '--read-after', '5');
  try {
    const s = TCPConnect('127.0.0.1', sink.port);
    t.true(s > 0, `connected: ${s}`);
    t.is(TCPSetOption(s, 'sndbuf', 32 * MiB), 0);
    t.is(TCPFlush(s), 0, 'nothing sent: flushed');
    t.is(TCPSend(s, data), size);
    t.is(TCPFlush(s, 100), ErrorCode.TimedOut, 'the peer does not read yet: bytes still wait in node');
    t.is(TCPFlush(s, 60_000), 0, 'the peer reads: all handed to the kernel');
    t.is(TCPFlush(s, -1), ErrorCode.InvalidArgument);
    t.is(TCPFlush(s, 'soon' as unknown as number), ErrorCode.WrongType);
    t.is(TCPFlush(s, 'infinite'), 0);
    t.is(TCPClose(s, 1), 0);
    t.is(await sink.nextLine(60_000), `sink ${size} ${createHash('sha256').update(data).digest('hex')}`);
    t.is(TCPClose(s), 0);
    t.is(TCPFlush(s), ErrorCode.InvalidSocket);
  } finally {
    await sink.stop();
  }
});
