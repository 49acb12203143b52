// The datagram commands (issue 24) against Python's socket module as the peer, one rule a
// test: echo both ways, cut datagrams, empty ones, broadcast, time-outs, IPv6, dual
// stack, connected filtering, encodings, service names, `dropped`, bad input, a close
// under a blocked receive, and TCPStats. Every peer binds loopback only.
import test from 'ava';
import {
  ErrorCode,
  type SenderHolder,
  TCPAccept,
  TCPAvailable,
  TCPBlock,
  TCPClose,
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetOption,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
  TCPListen,
  TCPReceive,
  TCPReceiveData,
  TCPSend,
  TCPSendData,
  TCPSetOption,
  TCPStartTLS,
  TCPStats,
  UDPConnect,
  UDPOpen,
  UDPReceiveFrom,
  UDPSendTo,
} from '../src/index.js';
import { UdpPeer } from './helpers/udp-peer.js';
import { parkedInEngine, until } from './helpers/wait-for.js';
import { startWorkerFixture } from './helpers/worker.js';

const text = (bytes: Uint8Array, count: number): string => Buffer.from(bytes.subarray(0, count)).toString();

/** A datagram socket on 127.0.0.1 with a 10 s time-out: a receive the test got wrong fails, it does not hang. */
function openLoopback(address = '127.0.0.1'): number {
  const s = UDPOpen(address);
  if (s <= 0) throw new Error(`UDPOpen('${address}') gave ${s}`);
  TCPSetOption(s, 'timeout', 10_000);
  return s;
}

test.serial('UDPSendTo and UDPReceiveFrom both ways with a Python echo peer; from names the sender', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1', 'echo');
  const s = openLoopback();
  try {
    t.is(TCPGetMyAddr(s), '127.0.0.1');
    const port = TCPGetMyPort(s);
    t.true(port > 0);
    t.is(UDPSendTo(s, '127.0.0.1', peer.port, 'hello, python'), 13);
    const got = await peer.received();
    t.deepEqual(got, { address: '127.0.0.1', port, bytes: Buffer.from('hello, python') });
    // The echo comes back as one datagram.
    const buffer = new Uint8Array(100);
    const from: SenderHolder = {};
    t.is(UDPReceiveFrom(s, buffer, from), 13);
    t.is(text(buffer, 13), 'hello, python');
    t.deepEqual(from.value, { address: '127.0.0.1', port: peer.port, size: 13 });
    // Python first: a datagram it sends on its own.
    await peer.send('127.0.0.1', port, 'from python');
    const holder = { value: '' };
    t.is(UDPReceiveFrom(s, holder), 11);
    t.is(holder.value, 'from python');
    // Bytes, and a host name resolved as for TCPConnect.
    t.is(UDPSendTo(s, 'localhost', peer.port, new Uint8Array([0, 1, 2, 255])), 4);
    t.deepEqual((await peer.received()).bytes, Buffer.from([0, 1, 2, 255]));
    t.is(UDPReceiveFrom(s, buffer), 4); // the echo
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('a datagram longer than the buffer: -10040, its first bytes, from.value.size the full length; the next one intact', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback();
  try {
    const hundred = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    await peer.send('127.0.0.1', TCPGetMyPort(s), hundred);
    await peer.send('127.0.0.1', TCPGetMyPort(s), 'next');
    const small = new Uint8Array(10);
    const from: SenderHolder = {};
    t.is(UDPReceiveFrom(s, small, from), ErrorCode.MessageTooLong);
    t.deepEqual(Buffer.from(small), hundred.subarray(0, 10));
    t.deepEqual(from.value, { address: '127.0.0.1', port: peer.port, size: 100 });
    // The rest of the cut one is gone; the next is whole.
    t.is(UDPReceiveFrom(s, small, from), 4);
    t.is(text(small, 4), 'next');
    t.is(from.value?.size, 4);
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('an empty datagram is received as 0 (not an end of stream), and the socket goes on', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback();
  try {
    await peer.send('127.0.0.1', TCPGetMyPort(s), '');
    await peer.send('127.0.0.1', TCPGetMyPort(s), 'after');
    const from: SenderHolder = {};
    t.is(UDPReceiveFrom(s, new Uint8Array(10), from), 0);
    t.deepEqual(from.value, { address: '127.0.0.1', port: peer.port, size: 0 });
    const holder = { value: '' };
    t.is(UDPReceiveFrom(s, holder), 5);
    t.is(holder.value, 'after');
    // And the other way: Python receives an empty datagram of ours.
    t.is(UDPSendTo(s, '127.0.0.1', peer.port, ''), 0);
    t.is((await peer.received()).bytes.length, 0);
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('the largest IPv4 datagram goes (65,507 bytes); one byte more is -10040 and nothing is sent', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback();
  try {
    t.is(UDPSendTo(s, '127.0.0.1', peer.port, new Uint8Array(65_508)), ErrorCode.MessageTooLong);
    t.is(UDPSendTo(s, '127.0.0.1', peer.port, new Uint8Array(65_507).fill(7)), 65_507);
    const got = await peer.received();
    t.is(got.bytes.length, 65_507, 'only the one that fitted came');
    // And back: a holder takes the largest datagram whole; TCPAvailable gives its length first.
    await peer.send('127.0.0.1', TCPGetMyPort(s), got.bytes);
    const holder = { value: new Uint8Array(0) };
    t.true(await until(() => TCPAvailable(s) === 65_507));
    t.is(UDPReceiveFrom(s, holder), 65_507);
    t.deepEqual(Buffer.from(holder.value), got.bytes);
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('broadcast: -10013 without the option; with `broadcast` 1 a send to 127.255.255.255 goes', (t) => {
  const s = openLoopback();
  try {
    t.is(TCPGetOption(s, 'broadcast'), 0);
    t.is(UDPSendTo(s, '127.255.255.255', 9, 'x'), ErrorCode.PermissionDenied);
    // 255.255.255.255 is refused the same way (nothing leaves loopback in this test).
    t.is(UDPSendTo(s, '255.255.255.255', 9, 'x'), ErrorCode.PermissionDenied);
    t.is(TCPSetOption(s, 'broadcast', 1), 0);
    t.is(TCPGetOption(s, 'broadcast'), 1);
    t.is(UDPSendTo(s, '127.255.255.255', 9, 'x'), 1);
  } finally {
    TCPClose(s);
  }
});

test.serial('a blocking receive ends at the socket timeout with -522; a non-blocking one answers -10035 at once', (t) => {
  const s = openLoopback();
  try {
    t.is(TCPSetOption(s, 'timeout', 300), 0);
    let started = Date.now();
    t.is(UDPReceiveFrom(s, new Uint8Array(10)), ErrorCode.TimedOut);
    const waited = Date.now() - started;
    t.true(waited >= 250 && waited < 5_000, `waited ${waited} ms for a 300 ms time-out`);
    t.is(TCPBlock(s, 1), 0); // 1: non-blocking
    started = Date.now();
    t.is(UDPReceiveFrom(s, new Uint8Array(10)), ErrorCode.WouldBlock);
    t.true(Date.now() - started < 1_000);
  } finally {
    TCPClose(s);
  }
});

test.serial('IPv6: UDPOpen("::1") and a Python AF_INET6 echo peer', async (t) => {
  const peer = await UdpPeer.start(6, '::1', 'echo');
  const s = openLoopback('::1');
  try {
    t.is(TCPGetMyAddr(s), '::1');
    t.is(TCPGetOption(s, 'family'), 6);
    t.is(UDPSendTo(s, '::1', peer.port, 'over six'), 8);
    t.deepEqual(await peer.received(), { address: '::1', port: TCPGetMyPort(s), bytes: Buffer.from('over six') });
    const from: SenderHolder = {};
    const holder = { value: '' };
    t.is(UDPReceiveFrom(s, holder, from), 8);
    t.is(holder.value, 'over six');
    t.deepEqual(from.value, { address: '::1', port: peer.port, size: 8 });
    // IPv6's largest payload is 65,527 (its length field excludes its header); over it: -10040.
    t.is(UDPSendTo(s, '::1', peer.port, new Uint8Array(65_528)), ErrorCode.MessageTooLong);
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('dual stack: a socket on "::" receives from an IPv4 Python sender, who is reported as a.b.c.d', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback('::');
  try {
    await peer.send('127.0.0.1', TCPGetMyPort(s), 'v4 to dual');
    const from: SenderHolder = {};
    const holder = { value: '' };
    t.is(UDPReceiveFrom(s, holder, from), 10);
    t.is(holder.value, 'v4 to dual');
    t.deepEqual(from.value, { address: '127.0.0.1', port: peer.port, size: 10 });
    // Its IPv4-mapped form reaches it.
    t.is(UDPSendTo(s, '::ffff:127.0.0.1', peer.port, 'back'), 4);
    t.deepEqual(await peer.received(), { address: '127.0.0.1', port: TCPGetMyPort(s), bytes: Buffer.from('back') });
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

// The sender is reported as '127.0.0.1'; a socket on '::' answers it (node's own udp6 send
// of an IPv4 literal fails with EINVAL: the engine's look-up maps it to ::ffff:a.b.c.d).
test.serial('dual stack: the answer goes back to the IPv4 address as UDPReceiveFrom reported it', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback('::');
  try {
    t.is(UDPSendTo(s, '127.0.0.1', peer.port, 'back'), 4);
    t.deepEqual((await peer.received(2_000)).bytes, Buffer.from('back'));
    const connected = openLoopback('::');
    t.is(UDPConnect(connected, '127.0.0.1', peer.port), 0);
    TCPClose(connected);
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('UDPConnect: only the peer\'s datagrams are received, TCPSend/TCPReceive move whole datagrams, TCPGetRemote* name it', async (t) => {
  const a = await UdpPeer.start(4, '127.0.0.1');
  const b = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback();
  try {
    const port = TCPGetMyPort(s);
    t.is(TCPGetRemotePort(s), ErrorCode.NotConnected);
    t.is(UDPConnect(s, '127.0.0.1', a.port), 0);
    t.is(TCPGetRemoteAddr(s), '127.0.0.1');
    t.is(TCPGetRemotePort(s), a.port);
    // B first, then A: the kernel drops B's, so the first datagram there is A's.
    await b.send('127.0.0.1', port, 'from B');
    await a.send('127.0.0.1', port, 'from A');
    const holder = { value: '' };
    t.is(TCPReceive(s, holder), 6);
    t.is(holder.value, 'from A');
    t.is(TCPBlock(s, 1), 0);
    t.is(TCPReceive(s, holder), ErrorCode.WouldBlock, 'B\'s datagram was not received');
    t.is(TCPBlock(s, 0), 0);
    // Two sends are two datagrams, not one stream.
    t.is(TCPSend(s, 'one'), 3);
    t.is(TCPSend(s, 'two'), 3);
    t.deepEqual((await a.received()).bytes, Buffer.from('one'));
    t.deepEqual((await a.received()).bytes, Buffer.from('two'));
    // A cut datagram on TCPReceive: its first bytes and -10040, as Winsock's recv.
    await a.send('127.0.0.1', port, 'x'.repeat(100));
    const small = new Uint8Array(10);
    t.is(TCPReceive(s, small), ErrorCode.MessageTooLong);
    t.is(text(small, 10), 'x'.repeat(10));
    // Connected: UDPSendTo and a second UDPConnect are refused.
    t.is(UDPSendTo(s, '127.0.0.1', b.port, 'no'), ErrorCode.IsConnected);
    t.is(UDPConnect(s, '127.0.0.1', b.port), ErrorCode.IsConnected);
    t.false(b.hasReceived);
  } finally {
    TCPClose(s);
    await a.stop();
    await b.stop();
  }
});

/** Two of our datagram sockets connected to each other, with a 2 s time-out. */
function connectedPair(): [number, number] {
  const a = openLoopback();
  const b = openLoopback();
  UDPConnect(a, '127.0.0.1', TCPGetMyPort(b));
  UDPConnect(b, '127.0.0.1', TCPGetMyPort(a));
  TCPSetOption(b, 'timeout', 2_000);
  return [a, b];
}

test.serial('TCPSendData sends one record as one datagram; TCPReceiveData reads a record as long as the datagram', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const [a, b] = connectedPair();
  const s = openLoopback();
  try {
    // What Python's struct.pack('>H i 4s', 7, -2, b'abcd') gives, in one datagram.
    t.is(UDPConnect(s, '127.0.0.1', peer.port), 0);
    t.is(TCPSendData(s, '>H i 4s', [7, -2, 'abcd']), 10);
    t.deepEqual((await peer.received()).bytes, Buffer.from('0007fffffffe61626364', 'hex'));
    t.is(TCPSendData(a, '>H q d 8s', [7, 1_700_000_000_000n, 21.5, 'probe']), 26);
    t.deepEqual(TCPReceiveData(b, '>H q d 8s'), [7, 1_700_000_000_000n, 21.5, 'probe']);
    // A record shorter than the datagram: decoded from its start (as struct.unpack_from).
    t.is(TCPSendData(a, '>H H', [1, 2]), 4);
    t.deepEqual(TCPReceiveData(b, '>H'), [1], 'the record from the datagram start; the rest of the datagram is dropped with it');
  } finally {
    for (const socket of [a, b, s]) TCPClose(socket);
    await peer.stop();
  }
});

// A `z` string is read a byte at a time from a stream; on a datagram socket the record is
// decoded from one whole datagram (it was -10040: each byte's receive took a datagram).
test.serial('TCPReceiveData reads back a record with a z string that TCPSendData sent as one datagram', (t) => {
  const [a, b] = connectedPair();
  try {
    t.is(TCPSendData(a, '>H z', [1, 'hello']), 8);
    t.deepEqual(TCPReceiveData(b, '>H z'), [1, 'hello']);
  } finally {
    TCPClose(a);
    TCPClose(b);
  }
});

// A record longer than its datagram is cut short (-1030), not completed from the next
// datagram as on a stream.
test.serial('TCPReceiveData does not join two datagrams into one record', (t) => {
  const [a, b] = connectedPair();
  try {
    t.is(TCPSendData(a, '>H', [7]), 2);
    t.is(TCPSendData(a, '>H', [8]), 2);
    t.is(TCPReceiveData(b, '>H H'), ErrorCode.BadDataFormat, 'the record was cut short by the end of its datagram');
  } finally {
    TCPClose(a);
    TCPClose(b);
  }
});

test.serial('text in the socket\'s `encoding`: latin1 bytes on the wire, decoded text in a holder', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback();
  try {
    t.is(TCPSetOption(s, 'encoding', 'latin1'), 0);
    t.is(UDPSendTo(s, '127.0.0.1', peer.port, 'café'), 4); // 4 latin1 bytes, not 5 UTF-8 ones
    t.deepEqual((await peer.received()).bytes, Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await peer.send('127.0.0.1', TCPGetMyPort(s), Buffer.from([0x6e, 0x61, 0xef, 0x76, 0x65]));
    const holder = { value: '' };
    t.is(UDPReceiveFrom(s, holder), 5);
    t.is(holder.value, 'naïve');
    // A Uint8Array holder takes the bytes as they came.
    await peer.send('127.0.0.1', TCPGetMyPort(s), Buffer.from([0xe9]));
    const bytes = { value: new Uint8Array(0) };
    t.is(UDPReceiveFrom(s, bytes), 1);
    t.deepEqual([...bytes.value], [0xe9]);
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('a UDP service name as the port: UDPConnect(s, "127.0.0.1", "tftp") is port 69; an unknown name is -10109', (t) => {
  const s = openLoopback();
  const other = openLoopback();
  try {
    t.is(UDPConnect(s, '127.0.0.1', 'tftp'), 0); // tftp is 69/udp only: looked up for UDP
    t.is(TCPGetRemotePort(s), 69);
    t.is(UDPSendTo(other, '127.0.0.1', 'no-such-service-here', 'x'), ErrorCode.UnknownService);
  } finally {
    TCPClose(s);
    TCPClose(other);
  }
});

test.serial('`dropped`: a flood into a small rcvbuf, read afterwards: received + dropped == sent', async (t) => {
  const peer = await UdpPeer.start(4, '127.0.0.1');
  const s = openLoopback();
  const sent = 2_000;
  try {
    t.is(TCPSetOption(s, 'rcvbuf', 4096), 0);
    t.is(TCPGetOption(s, 'dropped'), 0);
    t.is(TCPSetOption(s, 'dropped', 1), ErrorCode.InvalidArgument, 'read-only');
    await peer.flood('127.0.0.1', TCPGetMyPort(s), sent, 200);
    t.is(TCPBlock(s, 1), 0);
    let received = 0;
    const buffer = new Uint8Array(500);
    // Datagrams the engine has not read from the kernel yet come in later drains.
    const balanced = await until(() => {
      while (UDPReceiveFrom(s, buffer) === 200) received++;
      return received + (TCPGetOption(s, 'dropped') as number) === sent;
    });
    const dropped = TCPGetOption(s, 'dropped') as number;
    t.true(balanced, `received ${received} + dropped ${dropped} != ${sent}`);
    t.true(dropped > 0, 'a 4 KiB buffer cannot hold 2,000 datagrams of 200 bytes');
    t.true(received > 0);
  } finally {
    TCPClose(s);
    await peer.stop();
  }
});

test.serial('bad input: wrong types -501, unknown or closed socket -509, stream commands on a datagram socket', (t) => {
  const s = openLoopback();
  try {
    t.is(UDPOpen(42 as unknown as string), ErrorCode.WrongType);
    t.is(UDPOpen('127.0.0.1', {} as unknown as number), ErrorCode.WrongType);
    t.is(UDPSendTo('1' as unknown as number, '127.0.0.1', 9, 'x'), ErrorCode.WrongType);
    t.is(UDPSendTo(s, '127.0.0.1', 9, 42 as unknown as string), ErrorCode.WrongType);
    t.is(UDPReceiveFrom(s, 'text' as unknown as Uint8Array), ErrorCode.WrongType);
    t.is(UDPReceiveFrom(s, new Uint8Array(1), 5 as unknown as SenderHolder), ErrorCode.WrongType);
    t.is(UDPSendTo(s, '127.0.0.1', 0, 'x'), ErrorCode.AddressNotAvailable, 'port 0 is nobody');
    t.is(UDPSendTo(99_999, '127.0.0.1', 9, 'x'), ErrorCode.InvalidSocket);
    t.is(UDPReceiveFrom(99_999, new Uint8Array(1)), ErrorCode.InvalidSocket);
    // Commands of listeners and TLS have no meaning on a datagram socket: the codes they
    // answer (-10022 as for a stream socket that is not a listener; TLS: not connected).
    t.is(TCPListen(s), ErrorCode.InvalidArgument);
    t.is(TCPAccept(s), ErrorCode.InvalidArgument);
    t.is(TCPStartTLS(s), ErrorCode.NotConnected);
    // TCPSend / TCPReceive before UDPConnect: no default peer.
    t.is(TCPSend(s, 'x'), ErrorCode.NotConnected);
    const closed = UDPOpen('127.0.0.1');
    t.is(TCPClose(closed), 0);
    t.is(UDPSendTo(closed, '127.0.0.1', 9, 'x'), ErrorCode.InvalidSocket);
    t.is(UDPReceiveFrom(closed, new Uint8Array(1)), ErrorCode.InvalidSocket);
    t.is(TCPClose(closed), ErrorCode.InvalidSocket);
  } finally {
    TCPClose(s);
  }
});

test.serial('the network\'s answers: ICMP refusal on a connected socket -10061, unknown host -11001, port in use -10048, foreign address -10049', (t) => {
  const s = openLoopback();
  const gone = UDPOpen('127.0.0.1');
  const gonePort = TCPGetMyPort(gone);
  TCPClose(gone);
  try {
    // Nobody on the port: the kernel's port unreachable comes back to a connected socket
    // as the next receive's answer.
    t.is(UDPConnect(s, '127.0.0.1', gonePort), 0);
    t.is(TCPSend(s, 'anyone?'), 7);
    t.is(TCPReceive(s, new Uint8Array(10)), ErrorCode.ConnectionRefused);
    const other = openLoopback();
    t.is(UDPSendTo(other, 'no-such-host.invalid', 9, 'x'), ErrorCode.HostNotFound);
    t.is(UDPOpen('127.0.0.1', TCPGetMyPort(other)), ErrorCode.AddressInUse);
    t.is(UDPOpen('192.0.2.254', 0), ErrorCode.AddressNotAvailable, 'TEST-NET-1: not an address of this machine');
    TCPClose(other);
  } finally {
    TCPClose(s);
  }
});

test.serial('socket 0\'s options are a new datagram socket\'s: `timeout` set before UDPOpen bounds its receives', (t) => {
  t.is(TCPSetOption(0, 'timeout', 200), 0);
  const s = UDPOpen('127.0.0.1');
  t.is(TCPSetOption(0, 'timeout', 'infinite'), 0);
  try {
    t.is(TCPGetOption(s, 'timeout'), 200);
    const started = Date.now();
    t.is(UDPReceiveFrom(s, new Uint8Array(1)), ErrorCode.TimedOut);
    t.true(Date.now() - started < 5_000);
  } finally {
    TCPClose(s);
  }
});

test.serial('TCPClose while another thread is blocked in UDPReceiveFrom: that thread gets a code, not a hang', async (t) => {
  const s = UDPOpen('127.0.0.1');
  TCPSetOption(s, 'timeout', 30_000);
  const parkedBefore = parkedInEngine();
  const receiver = startWorkerFixture('udp-receive-worker.ts', { socket: s });
  t.is(await receiver.nextMessage(), 'receiving');
  t.true(await until(() => parkedInEngine() > parkedBefore), 'the worker\'s receive is parked in the engine');
  const started = Date.now();
  t.is(TCPClose(s), 0);
  t.deepEqual(await receiver.nextMessage(), { result: ErrorCode.ConnectionAborted });
  t.true(Date.now() - started < 5_000, 'not at the 30 s time-out');
  t.is(await receiver.exited, 0);
});

test.serial('TCPStats().sockets.datagram counts open datagram sockets', (t) => {
  const count = (): number => {
    const stats = TCPStats();
    return typeof stats === 'object' ? stats.sockets.datagram : -1;
  };
  const before = count();
  const a = UDPOpen('127.0.0.1');
  const b = UDPOpen('::1');
  t.is(count(), before + 2);
  TCPClose(a);
  t.is(count(), before + 1);
  TCPClose(b);
  t.is(count(), before);
});
