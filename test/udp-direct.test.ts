// Connected datagram sockets (UDPConnect) on the direct path: TCPSend / TCPReceive move
// whole datagrams on the calling thread (docs/direct-path.md, "Datagrams"), with
// the same answers as the engine path (this file runs in the TCP_COMMANDS_DIRECT=0 run too).
import test from 'ava';
import {
  ErrorCode,
  TCPAvailable,
  TCPBlock,
  TCPClose,
  TCPGetMyPort,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
  TCPReceive,
  TCPReceiveData,
  TCPSend,
  TCPSendData,
  TCPSetOption,
  TCPStats,
  UDPConnect,
  UDPOpen,
  UDPReceiveFrom,
  UDPSendTo,
} from '../src/index.js';
import { waitFor } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';

const directOff = process.env.TCP_COMMANDS_DIRECT === '0';

function directCalls(): { reads: number; writes: number } {
  const stats = TCPStats();
  if (typeof stats === 'number') throw new Error(`TCPStats gave ${stats}`);
  return { reads: stats.directReads, writes: stats.directWrites };
}

/** Two datagram sockets on loopback, each connected to the other. */
function connectedPair(): [number, number] {
  const a = UDPOpen('127.0.0.1');
  const b = UDPOpen('127.0.0.1');
  if (UDPConnect(a, '127.0.0.1', TCPGetMyPort(b)) !== 0 || UDPConnect(b, '127.0.0.1', TCPGetMyPort(a)) !== 0) throw new Error('UDPConnect failed');
  return [a, b];
}

test.serial('a connected datagram ping-pong moves whole datagrams, on the calling thread', (t) => {
  const [a, b] = connectedPair();
  const before = directCalls();
  const buffer = new Uint8Array(1500);
  for (let i = 0; i < 300; i++) {
    const datagram = Buffer.from(`datagram ${i}`);
    t.is(TCPSend(a, datagram), datagram.length);
    t.is(TCPReceive(b, buffer), datagram.length);
    t.is(Buffer.from(buffer.subarray(0, datagram.length)).toString(), `datagram ${i}`);
  }
  const after = directCalls();
  if (directOff) t.deepEqual(after, before, 'the engine path makes no direct call');
  else {
    t.true(after.writes - before.writes >= 300, `direct writes ${after.writes - before.writes}`);
    t.true(after.reads - before.reads >= 300, `direct reads ${after.reads - before.reads}`);
  }
  t.is(TCPGetRemoteAddr(b), '127.0.0.1');
  t.is(TCPGetRemotePort(b), TCPGetMyPort(a));
  TCPClose(a);
  TCPClose(b);
});

test.serial('a datagram longer than the buffer: its first bytes and -10040, the next one whole', (t) => {
  const [a, b] = connectedPair();
  t.is(TCPSend(a, new Uint8Array(1000).fill(7)), 1000);
  t.is(TCPSend(a, new Uint8Array([1, 2, 3])), 3);
  const small = new Uint8Array(10);
  t.is(TCPReceive(b, small), ErrorCode.MessageTooLong);
  t.deepEqual([...small], Array<number>(10).fill(7));
  const holder = { value: new Uint8Array(0) };
  t.is(TCPReceive(b, holder, 2), ErrorCode.MessageTooLong, 'maxbytes cuts too');
  t.deepEqual([...holder.value], [1, 2]);
  t.is(TCPSend(a, new Uint8Array(0)), 0);
  t.is(TCPReceive(b, small), 0, 'an empty datagram is 0, and not the end');
  t.is(TCPSend(a, new Uint8Array([9])), 1);
  t.is(TCPReceive(b, small), 1, 'the socket goes on after an empty datagram');
  t.is(small[0], 9);
  t.is(TCPSend(a, new Uint8Array(65_508)), ErrorCode.MessageTooLong, 'over the IPv4 maximum: nothing sent');
  TCPClose(a);
  TCPClose(b);
});

test.serial('datagrams the engine queued before UDPConnect come first, then the direct ones, in order', async (t) => {
  const a = UDPOpen('127.0.0.1');
  const b = UDPOpen('127.0.0.1');
  for (const value of [1, 2, 3]) UDPSendTo(a, '127.0.0.1', TCPGetMyPort(b), new Uint8Array([value]));
  await waitFor(() => TCPAvailable(b) === 1, 'the engine holds the first datagram');
  t.is(UDPConnect(b, '127.0.0.1', TCPGetMyPort(a)), 0);
  t.is(UDPConnect(a, '127.0.0.1', TCPGetMyPort(b)), 0);
  for (const value of [4, 5]) TCPSend(a, new Uint8Array([value]));
  const got: number[] = [];
  const buffer = new Uint8Array(16);
  for (let i = 0; i < 5; i++) {
    t.is(TCPReceive(b, buffer), 1);
    got.push(buffer[0]!);
  }
  t.deepEqual(got, [1, 2, 3, 4, 5]);
  TCPClose(a);
  TCPClose(b);
});

test.serial('UDPReceiveFrom (the engine) and TCPReceive (direct) on one connected socket share its datagrams, none twice or lost', (t) => {
  const [a, b] = connectedPair();
  const seen: number[] = [];
  const buffer = new Uint8Array(16);
  for (let i = 0; i < 200; i++) {
    TCPSend(a, new Uint8Array([i]));
    const from: { value?: { address: string; port: number; size: number } } = {};
    const n = i % 2 === 0 ? TCPReceive(b, buffer) : UDPReceiveFrom(b, buffer, from);
    t.is(n, 1);
    if (i % 2 === 1) t.deepEqual(from.value, { address: '127.0.0.1', port: TCPGetMyPort(a), size: 1 });
    seen.push(buffer[0]!);
  }
  t.deepEqual(seen, Array.from({ length: 200 }, (_, i) => i));
  TCPClose(a);
  TCPClose(b);
});

test.serial('a worker blocked in a connected receive gets each datagram the main thread sends', async (t) => {
  const [a, b] = connectedPair();
  const worker = startWorkerFixture('datagram-receive-worker.ts', { socket: b, count: 50 });
  t.is(await worker.nextMessage(), 'receiving');
  for (let i = 0; i < 50; i++) {
    // One at a time, each after the worker parked or spun for it: both ways of waiting are taken.
    TCPSend(a, new Uint8Array([i]));
    if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  t.deepEqual(await worker.nextMessage(), { firsts: Array.from({ length: 50 }, (_, i) => i) });
  await worker.exited;
  TCPClose(a);
  TCPClose(b);
});

test.serial('closing a connected datagram socket wakes a thread blocked on it with a code, not a hang', async (t) => {
  const [a, b] = connectedPair();
  const worker = startWorkerFixture('datagram-receive-worker.ts', { socket: b, count: 0 });
  t.is(await worker.nextMessage(), 'receiving');
  await waitFor(() => { const s = TCPStats(); return typeof s !== 'number' && s.parked >= 1; }, 'the worker parked in the engine', 20_000);
  t.is(TCPClose(b), 0);
  const { result } = (await worker.nextMessage()) as { result: number };
  t.true(result === ErrorCode.ConnectionAborted || result === ErrorCode.InvalidSocket, `got ${result}`);
  await worker.exited;
  t.is(TCPSend(b, new Uint8Array([1])), ErrorCode.InvalidSocket);
  TCPClose(a);
});

test.serial('time-out and non-blocking answers on a connected datagram socket', (t) => {
  const [a, b] = connectedPair();
  TCPSetOption(b, 'timeout', 150);
  const started = performance.now();
  t.is(TCPReceive(b, new Uint8Array(8)), ErrorCode.TimedOut);
  const waited = performance.now() - started;
  t.true(waited >= 140 && waited < 5_000, `waited ${waited.toFixed(0)} ms`);
  TCPBlock(b, 1);
  t.is(TCPReceive(b, new Uint8Array(8)), ErrorCode.WouldBlock);
  TCPSend(a, new Uint8Array([42]));
  let n: number = ErrorCode.WouldBlock;
  for (let tries = 0; tries < 100_000 && n === ErrorCode.WouldBlock; tries++) n = TCPReceive(b, new Uint8Array(8));
  t.is(n, 1, 'a non-blocking receive takes the datagram once it is there');
  t.is(UDPConnect(b, '127.0.0.1', 9), ErrorCode.IsConnected, 'a second UDPConnect');
  t.is(UDPSendTo(b, '127.0.0.1', 9, 'x'), ErrorCode.IsConnected, 'UDPSendTo on a connected socket');
  TCPClose(a);
  TCPClose(b);
});

test.serial('TCPReceiveData reads a record from one datagram: short ones -1030, the rest of a longer one ignored', (t) => {
  const [a, b] = connectedPair();
  t.is(TCPSendData(a, '>HHI', [1, 2, 3]), 8);
  t.deepEqual(TCPReceiveData(b, '>HH'), [1, 2], 'the record from the datagram start; its last 4 bytes dropped with it');
  t.is(TCPSendData(a, '>H', [5]), 2);
  t.is(TCPReceiveData(b, '>HH'), ErrorCode.BadDataFormat, 'a datagram shorter than the record');
  t.is(TCPSendData(a, '>B', [9]), 1);
  t.deepEqual(TCPReceiveData(b, '>B'), [9], 'the next datagram is whole');
  TCPClose(a);
  TCPClose(b);
});
