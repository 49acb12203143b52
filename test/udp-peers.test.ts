// The datagram commands with real peers beyond Python's echo: multicast between two of
// our sockets and a Python one on loopback, a DNS look-up from dnsmasq
// (examples/dns-query.ts) and a 1 MiB file from tftpd-hpa (examples/tftp-get.ts).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dnsQuery } from '../examples/dns-query.js';
import { tftpGet } from '../examples/tftp-get.js';
import {
  ErrorCode,
  type SenderHolder,
  TCPBlock,
  TCPClose,
  TCPGetMyPort,
  TCPGetOption,
  TCPSetOption,
  UDPJoinGroup,
  UDPLeaveGroup,
  UDPOpen,
  UDPReceiveFrom,
  UDPSendTo,
} from '../src/index.js';
import { DNSMASQ, IN_TFTPD, installed, startDnsmasq, startTftpd } from './helpers/udp-daemons.js';
import { startLossyTftp } from './helpers/peers.js';
import { run } from './helpers/run.js';
import { UdpPeer } from './helpers/udp-peer.js';
import { until } from './helpers/wait-for.js';

const GROUP = '239.255.0.24';

const tsx = (...args: string[]) => run(process.execPath, ['--import=tsx', ...args]).done;

/**
 * Whether this kernel delivers IPv4 multicast on loopback (lo has no MULTICAST flag, but
 * Linux loops a group's datagrams back to members joined on 127.0.0.1): asked of Python
 * once, so that a sandbox that refuses says so instead of failing.
 */
function loopbackMulticast(): string | undefined {
  const probe = spawnSync('python3', ['-c', `
import socket
g = '${GROUP}'
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind((g, 0))
r.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(g) + socket.inet_aton('127.0.0.1'))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('127.0.0.1'))
s.sendto(b'probe', (g, r.getsockname()[1]))
r.settimeout(2)
print(r.recv(10).decode())
`], { encoding: 'utf8', timeout: 10_000 });
  return probe.stdout.trim() === 'probe' ? undefined : `loopback multicast does not work here: ${probe.stderr.trim() || 'nothing arrived'}`;
}

const noMulticast = loopbackMulticast();
if (noMulticast !== undefined) console.warn(`udp-peers: multicast test skipped: ${noMulticast}`);
const multicastTest = noMulticast === undefined ? test.serial : test.serial.skip;

multicastTest('multicast on loopback: two of our sockets and a Python one in a group, joined and left', async (t) => {
  // Both of ours share the group's port: `reuseaddr` is socket 0's, read by UDPOpen. They
  // bind the group's address, not 0.0.0.0: on Linux that receives only the group's
  // datagrams, and nothing listens on the machine's other interfaces.
  t.is(TCPSetOption(0, 'reuseaddr', 1), 0);
  const a = UDPOpen(GROUP, 0);
  const port = TCPGetMyPort(a);
  const b = UDPOpen(GROUP, port);
  t.is(TCPSetOption(0, 'reuseaddr', 0), 0);
  const sender = UDPOpen('127.0.0.1');
  const python = await UdpPeer.start(4, GROUP, 'reuse', `port=${port}`);
  try {
    t.true(a > 0 && b > 0 && sender > 0, `UDPOpen: ${a} ${b} ${sender}`);
    t.is(TCPGetOption(a, 'reuseaddr'), 1);
    t.is(TCPGetOption(sender, 'reuseaddr'), 0);
    for (const s of [a, b]) {
      t.is(UDPJoinGroup(s, GROUP, '127.0.0.1'), 0);
      TCPSetOption(s, 'timeout', 10_000);
    }
    t.is(UDPJoinGroup(a, GROUP, '127.0.0.1'), ErrorCode.AddressInUse, 'a member already (EADDRINUSE)');
    t.is(UDPJoinGroup(a, '10.0.0.1', '127.0.0.1'), ErrorCode.InvalidArgument, 'not a multicast address');
    await python.join(GROUP, '127.0.0.1');
    t.is(TCPSetOption(sender, 'multicastinterface', '127.0.0.1'), 0);
    t.is(TCPGetOption(sender, 'multicastinterface'), '127.0.0.1');
    t.is(TCPSetOption(sender, 'multicastttl', 1), 0);
    t.is(TCPGetOption(sender, 'multicastttl'), 1);

    // Ours to the group: each member, ours and Python's, gets its copy.
    t.is(UDPSendTo(sender, GROUP, port, 'to the group'), 12);
    const from: SenderHolder = {};
    const holder = { value: '' };
    for (const s of [a, b]) {
      t.is(UDPReceiveFrom(s, holder, from), 12);
      t.is(holder.value, 'to the group');
      t.deepEqual(from.value, { address: '127.0.0.1', port: TCPGetMyPort(sender), size: 12 });
    }
    t.deepEqual(await python.received(), { address: '127.0.0.1', port: TCPGetMyPort(sender), bytes: Buffer.from('to the group') });

    // Python's to the group: both of ours get it.
    await python.send(GROUP, port, 'from python');
    for (const s of [a, b]) {
      t.is(UDPReceiveFrom(s, holder, from), 11);
      t.is(holder.value, 'from python');
      t.is(from.value?.port, port, 'Python sends from the group port it is bound to');
    }
    await python.received(); // its own copy (multicast loop-back is on by default)

    // b leaves. On Linux b still gets the group's datagrams on its port while any socket
    // of the host is a member on the interface (IP_MULTICAST_ALL, on by default): membership
    // is the interface's, so b's copy is not checked here.
    t.is(UDPLeaveGroup(b, GROUP, '127.0.0.1'), 0);
    t.is(UDPLeaveGroup(b, GROUP, '127.0.0.1'), ErrorCode.AddressNotAvailable, 'not a member any more');
    t.is(UDPSendTo(sender, GROUP, port, 'after b left'), 12);
    t.is(UDPReceiveFrom(a, holder), 12);
    t.is(holder.value, 'after b left');
    t.deepEqual((await python.received()).bytes, Buffer.from('after b left'));
    // Once every member has left, the group's datagrams reach none of them.
    t.is(UDPLeaveGroup(a, GROUP, '127.0.0.1'), 0);
    await python.leave(GROUP, '127.0.0.1');
    for (const s of [a, b]) {
      TCPBlock(s, 1);
      while (UDPReceiveFrom(s, holder) >= 0); // b's copy of 'after b left', if it came
    }
    t.is(UDPSendTo(sender, GROUP, port, 'to nobody'), 9);
    const anything = (): boolean => UDPReceiveFrom(a, holder) !== ErrorCode.WouldBlock || UDPReceiveFrom(b, holder) !== ErrorCode.WouldBlock || python.hasReceived;
    t.false(await until(anything, 300), 'nothing came within 300 ms');
  } finally {
    TCPSetOption(0, 'reuseaddr', 0);
    for (const s of [a, b, sender]) TCPClose(s);
    await python.stop();
  }
});

const dnsTest = installed(DNSMASQ) ? test.serial : test.serial.skip;
if (!installed(DNSMASQ)) console.warn(`udp-peers: DNS test skipped: ${DNSMASQ} is not installed (Debian: dnsmasq-base)`);

dnsTest('examples/dns-query.ts: an A query built with TCPSendData, its answer parsed with TCPReceiveData, from dnsmasq', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-dns-'));
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, '10.1.2.3 tcp-commands.test\n10.1.2.4 two.test\n10.1.2.5 two.test\n');
  const dnsmasq = await startDnsmasq(hosts, join(dir, 'dnsmasq.pid'));
  try {
    t.deepEqual(dnsQuery('tcp-commands.test', '127.0.0.1', dnsmasq.port), { rcode: 0, addresses: ['10.1.2.3'] }, dnsmasq.output());
    // Two records: the format is built from the answer's length.
    const two = dnsQuery('two.test', '127.0.0.1', dnsmasq.port);
    t.deepEqual(typeof two === 'object' ? { rcode: two.rcode, addresses: two.addresses.sort() } : two, { rcode: 0, addresses: ['10.1.2.4', '10.1.2.5'] });
    // A name it does not have: no address and an error response code (dnsmasq without
    // upstream servers refuses, 5; one with them would say 3, no such name).
    const missing = dnsQuery('missing.test', '127.0.0.1', dnsmasq.port);
    t.true(typeof missing === 'object' && missing.rcode !== 0 && missing.addresses.length === 0, JSON.stringify(missing));
    // As a user runs it.
    const cli = await tsx('examples/dns-query.ts', 'tcp-commands.test', '127.0.0.1', String(dnsmasq.port));
    t.is(cli.code, 0, cli.stderr);
    t.is(cli.stdout, 'tcp-commands.test: 10.1.2.3\n');
  } finally {
    await dnsmasq.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

const root = process.getuid?.() === 0;
const tftpMissing = !installed(IN_TFTPD) ? `${IN_TFTPD} is not installed (Debian: tftpd-hpa)` : !root ? 'in.tftpd --secure chroots, which needs root' : undefined;
if (tftpMissing !== undefined) console.warn(`udp-peers: TFTP test skipped: ${tftpMissing}`);
const tftpTest = tftpMissing === undefined ? test.serial : test.serial.skip;

tftpTest('examples/tftp-get.ts reads a 1 MiB file from tftpd-hpa: RRQ, then DATA/ACK with the server\'s TID', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-tftp-'));
  const original = randomBytes(1024 * 1024); // 2048 full blocks and an empty last one
  writeFileSync(join(dir, 'file.bin'), original);
  const tftpd = await startTftpd(dir);
  try {
    const result = tftpGet('127.0.0.1', 'file.bin', { port: tftpd.port, timeoutMs: 2_000 });
    if ('error' in result) return t.fail(`${result.error}\n${tftpd.output()}`);
    t.is(result.data.length, original.length);
    const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
    t.is(sha256(result.data), sha256(original));
    // The server's own error packet comes back as the error.
    t.deepEqual(tftpGet('127.0.0.1', 'no-such-file', { port: tftpd.port }), { error: 'server error 1: File not found' });
    // As a user runs it.
    const output = join(dir, 'fetched.bin');
    const cli = await tsx('examples/tftp-get.ts', '127.0.0.1', 'file.bin', String(tftpd.port), output);
    t.is(cli.code, 0, cli.stderr);
    t.is(cli.stdout, 'file.bin: 1048576 bytes\n');
    t.is(sha256(readFileSync(output)), sha256(original));
  } finally {
    await tftpd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.serial('examples/tftp-get.ts: a lost ACK is sent again at the time-out; a stranger\'s packet gets ERROR 5 and changes nothing', async (t) => {
  const size = 5 * 512 + 100; // blocks 1..5 full, 6 short
  const server = await startLossyTftp(size);
  try {
    const started = Date.now();
    const result = tftpGet('127.0.0.1', 'any', { port: server.port, timeoutMs: 300, retries: 3 });
    if ('error' in result) return t.fail(result.error);
    t.deepEqual(result.data, Buffer.from(Array.from({ length: size }, (_, i) => i % 251)));
    t.true(Date.now() - started >= 250, 'one time-out passed');
    t.is(await server.nextLine(), 'stranger 5', 'ERROR 5: unknown transfer ID');
    t.is(await server.nextLine(), 'done 1,2,2,3,4,5,6', 'ACK 2 twice: the first was ignored');
  } finally {
    await server.stop();
  }
});

test.serial('examples/tftp-get.ts gives up after its retries when nobody answers', async (t) => {
  const silent = UDPOpen('127.0.0.1'); // bound, never answers
  try {
    const started = Date.now();
    t.deepEqual(tftpGet('127.0.0.1', 'file', { port: TCPGetMyPort(silent), timeoutMs: 100, retries: 2 }), { error: 'no answer after 2 retransmissions (block 1)' });
    const waited = Date.now() - started;
    t.true(waited >= 250 && waited < 5_000, `three time-outs of 100 ms took ${waited} ms`);
    // The RRQ was sent three times: once, then at each of the two retransmissions.
    TCPBlock(silent, 1);
    let requests = 0;
    while (UDPReceiveFrom(silent, new Uint8Array(600)) > 0) requests++;
    t.is(requests, 3);
  } finally {
    TCPClose(silent);
  }
});
