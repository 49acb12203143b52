// The event-style datagram API (UDPEndpoint): datagrams from a Python peer and from node's
// dgram with their senders, sends that reach them, close(), open failures and send
// failures through onError, and a thread that is never blocked while datagrams flow.
import test from 'ava';
import dgram from 'node:dgram';
import { ErrorCode, TCPGetMyPort, TCPGetOption, TCPStats, UDPEndpoint, type DatagramOrigin } from '../src/index.js';
import { runFixture } from './helpers/run.js';
import { startUdpClientPeer, type Peer } from './helpers/peers.js';
import { until, waitFor } from './helpers/wait-for.js';

function datagramSockets(): number {
  const stats = TCPStats();
  return typeof stats === 'object' ? stats.sockets.datagram : -1;
}

/** The peer's next "got PORT TEXT" line, as [port, text]. */
async function peerGot(peer: Peer): Promise<[number, string]> {
  const line = await peer.nextLine();
  const match = /^got (\d+) (.*)$/.exec(line);
  if (match === null) throw new Error(`the peer printed ${line}`);
  return [Number(match[1]), match[2]!];
}

interface Received {
  text: string;
  from: DatagramOrigin;
}

test.serial('a Python peer and node dgram: onMessage gets each datagram and its sender, send() reaches them, close() ends it', async (t) => {
  const before = datagramSockets();
  const peer = await startUdpClientPeer();
  const node = dgram.createSocket('udp4');
  try {
    const received: Received[] = [];
    let terminated = false;
    const endpoint = UDPEndpoint.open({
      address: '127.0.0.1',
      onMessage: (_e, data, from) => received.push({ text: Buffer.from(data).toString(), from }),
      onError: (_e, code) => t.fail(`onError ${code}`),
      onTerminate: () => (terminated = true),
    });
    t.true(endpoint.socket > 0);
    t.is(endpoint.port, TCPGetMyPort(endpoint.socket));
    t.is(datagramSockets(), before + 1);

    peer.process.stdin.write(`send ${endpoint.port} hello from python\n`);
    await waitFor(() => received.length === 1, 'the Python datagram', 10_000);
    t.deepEqual(received[0], { text: 'hello from python', from: { address: '127.0.0.1', port: peer.port, size: 17 } });

    t.is(await endpoint.send('127.0.0.1', peer.port, 'pong'), 4);
    t.deepEqual(await peerGot(peer), [endpoint.port, 'pong']);
    t.is(await endpoint.send('localhost', peer.port, new Uint8Array(Buffer.from('bytes by name'))), 13);
    t.deepEqual(await peerGot(peer), [endpoint.port, 'bytes by name']);

    // node's own dgram as a second peer, and an empty datagram (0 bytes, not an end).
    await new Promise<void>((resolve) => node.bind(0, '127.0.0.1', resolve));
    const answers: string[] = [];
    node.on('message', (message) => answers.push(message.toString()));
    node.send('from node', endpoint.port, '127.0.0.1');
    node.send(new Uint8Array(0), endpoint.port, '127.0.0.1');
    await waitFor(() => received.length === 3, 'the dgram datagrams', 10_000);
    t.deepEqual(received.slice(1), [
      { text: 'from node', from: { address: '127.0.0.1', port: node.address().port, size: 9 } },
      { text: '', from: { address: '127.0.0.1', port: node.address().port, size: 0 } },
    ]);
    await endpoint.send('127.0.0.1', node.address().port, 'to node');
    await waitFor(() => answers.length === 1, "node's answer", 10_000);
    t.deepEqual(answers, ['to node']);

    endpoint.close();
    await endpoint.wait();
    t.true(terminated);
    t.true(endpoint.closed);
    t.is(datagramSockets(), before, 'the socket is closed');
    t.is(TCPGetMyPort(endpoint.socket), ErrorCode.InvalidSocket);
    t.is(await endpoint.send('127.0.0.1', peer.port, 'after close'), ErrorCode.InvalidSocket);
    // The port is free again: a new endpoint can have it, and a datagram to it is not the old one's.
    const again = UDPEndpoint.open({ address: '127.0.0.1', port: endpoint.port, onMessage: () => {} });
    t.is(again.port, endpoint.port);
    node.send('to the new one', endpoint.port, '127.0.0.1');
    again.close();
    await again.wait();
    t.is(received.length, 3, 'no event after close()');
  } finally {
    node.close();
    await peer.stop();
  }
});

test.serial('the thread is never blocked: a setInterval ticks while 3000 datagrams come in', async (t) => {
  const peer = await startUdpClientPeer();
  const times: number[] = [];
  const ticks: number[] = [];
  const ticker = setInterval(() => ticks.push(performance.now()), 2);
  try {
    const endpoint = UDPEndpoint.open({
      address: '127.0.0.1',
      options: { rcvbuf: 8 * 1024 * 1024 },
      onMessage: () => times.push(performance.now()),
    });
    // Parked in the engine, waiting for a datagram: the interval still runs.
    const idleFrom = ticks.length;
    t.true(await until(() => ticks.length >= idleFrom + 5), 'ticks while a receive waits');

    const count = 3000;
    peer.process.stdin.write(`burst ${endpoint.port} ${count}\n`);
    const dropped = (): number => Math.max(0, Number(TCPGetOption(endpoint.socket, 'dropped')));
    await waitFor(() => times.length + dropped() >= count, 'every datagram received or counted as dropped', 20_000);
    t.true(times.length > count / 2, `received ${times.length}`);
    const first = times[0]!;
    const last = times[times.length - 1]!;
    const during = ticks.filter((at) => at > first && at < last).length;
    t.log(`${during} ticks, ${(last - first).toFixed(1)} ms, ${times.length} received`);
    t.true(during >= 1 || last - first < 4, `${during} ticks in the ${(last - first).toFixed(1)} ms of traffic`);
    endpoint.close();
    await endpoint.wait();
  } finally {
    clearInterval(ticker);
    await peer.stop();
  }
});

test.serial('open failures go to onError, then onTerminate: a port in use (-10048), an address not of this machine (-10049)', async (t) => {
  const before = datagramSockets();
  const holder = UDPEndpoint.open({ address: '127.0.0.1', onMessage: () => {} });
  try {
    for (const [address, port, expected] of [
      ['127.0.0.1', holder.port, ErrorCode.AddressInUse],
      ['192.0.2.1', 0, ErrorCode.AddressNotAvailable],
    ] as const) {
      const events: string[] = [];
      const endpoint = UDPEndpoint.open({
        address,
        port,
        onMessage: () => events.push('message'),
        onError: (e, code, message) => events.push(`error ${code} ${message} ${e === endpoint}`),
        onTerminate: () => events.push('terminate'),
      });
      t.deepEqual(events, [], 'nothing before open() has returned');
      t.is(endpoint.socket, 0);
      t.true(endpoint.closed);
      await endpoint.wait();
      t.is(events.length, 2);
      t.regex(events[0]!, new RegExp(`^error ${expected} .+ true$`));
      t.is(events[1], 'terminate');
      t.true(endpoint.closed);
    }
    // A refused option closes the socket it opened.
    const errors: number[] = [];
    const bad = UDPEndpoint.open({ address: '127.0.0.1', options: { nosuchoption: 1 }, onMessage: () => {}, onError: (_e, code) => errors.push(code) });
    await bad.wait();
    t.is(errors.length, 1);
    t.true(errors[0]! < 0);
    t.is(datagramSockets(), before + 1, 'only the holder is open');
  } finally {
    holder.close();
    await holder.wait();
  }
  t.is(datagramSockets(), before);
});

test.serial('a failed send goes to onError and the endpoint goes on receiving', async (t) => {
  const peer = await startUdpClientPeer();
  try {
    const errors: number[] = [];
    const received: string[] = [];
    const endpoint = UDPEndpoint.open({
      address: '127.0.0.1',
      onMessage: (_e, data) => received.push(Buffer.from(data).toString()),
      onError: (_e, code) => errors.push(code),
    });
    t.is(await endpoint.send('255.255.255.255', peer.port, 'no broadcast option'), ErrorCode.PermissionDenied);
    t.is(await endpoint.send('127.0.0.1', peer.port, new Uint8Array(70_000)), ErrorCode.MessageTooLong);
    t.deepEqual(errors, [ErrorCode.PermissionDenied, ErrorCode.MessageTooLong]);
    peer.process.stdin.write(`send ${endpoint.port} still here\n`);
    await waitFor(() => received.length === 1, 'the datagram after the failures', 10_000);
    t.deepEqual(received, ['still here']);
    t.false(endpoint.closed);
    endpoint.close();
    await endpoint.wait();
  } finally {
    await peer.stop();
  }
});

test('an onMessage that throws ends the endpoint (socket closed) and its error is rethrown, uncaught', async (t) => {
  const { code, stdout, stderr } = await runFixture('throwing-endpoint.ts').done;
  t.is(code, 0, stderr);
  t.deepEqual(JSON.parse(stdout), { uncaught: ['onMessage threw'], terminated: true, datagramSockets: 0 });
});
