/**
 * Datagram figures (npm run bench -- udp): a 64-byte datagram ping-pong against a Python
 * echo peer (ours with UDPSendTo + UDPReceiveFrom, ours connected with TCPSend + TCPReceive,
 * node's dgram, Python's blocking recvfrom), and a flood of datagrams from a Python sender
 * (how many per second a UDPReceiveFrom loop takes, against a Python recvfrom loop, and
 * whether received + `dropped` = sent).
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { TCPClose, TCPGetMyPort, TCPGetOption, TCPReceive, TCPSend, TCPSetOption, UDPConnect, UDPOpen, UDPReceiveFrom, UDPSendTo } from '../src/index.js';
import { median } from './stats.js';

export const DATAGRAM_SIZE = 64;
const PEER = new URL('./peers/udp_peer.py', import.meta.url).pathname;

/** A Python peer process: its first line, then a promise of its next ones. */
function python(...args: string[]): { first: Promise<string>; rest: Promise<string[]>; stop: () => void } {
  const child = spawn('python3', [PEER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  let firstLine: (line: string) => void = () => {};
  const first = new Promise<string>((resolve) => (firstLine = resolve));
  reader.on('line', (line) => {
    if (lines.length === 0) firstLine(line);
    lines.push(line);
  });
  const rest = new Promise<string[]>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 || code === null ? resolve(lines) : reject(new Error(`udp_peer ${args[0]} exited ${code}`))));
  });
  return { first, rest, stop: () => child.kill() };
}

export async function startUdpEcho(): Promise<{ port: number; stop: () => void }> {
  const peer = python('echo');
  return { port: Number(await peer.first), stop: peer.stop };
}

/** Median round trip (us) of UDPSendTo + UDPReceiveFrom, or with `connected` of TCPSend + TCPReceive after UDPConnect. */
export function oursUdpPingPong(port: number, roundTrips: number, connected: boolean): number {
  const s = UDPOpen('127.0.0.1');
  if (s < 0) throw new Error(`UDPOpen gave ${s}`);
  if (connected && UDPConnect(s, '127.0.0.1', port) !== 0) throw new Error('UDPConnect failed');
  const out = new Uint8Array(DATAGRAM_SIZE);
  const back = new Uint8Array(2048);
  const samples = new Array<number>(roundTrips);
  for (let i = 0; i < roundTrips; i++) {
    const start = process.hrtime.bigint();
    const sent = connected ? TCPSend(s, out) : UDPSendTo(s, '127.0.0.1', port, out);
    const got = connected ? TCPReceive(s, back) : UDPReceiveFrom(s, back);
    if (sent !== DATAGRAM_SIZE || got !== DATAGRAM_SIZE) throw new Error(`send ${sent}, receive ${got}`);
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  TCPClose(s);
  return median(samples) / 1000;
}

/** Median round trip (us) of node's dgram, one datagram at a time. */
export function dgramPingPong(port: number, roundTrips: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const out = Buffer.alloc(DATAGRAM_SIZE);
    const samples = new Array<number>(roundTrips);
    let done = 0;
    let start = 0n;
    const next = (): void => {
      start = process.hrtime.bigint();
      socket.send(out, port, '127.0.0.1');
    };
    socket.on('message', () => {
      samples[done++] = Number(process.hrtime.bigint() - start);
      if (done === roundTrips) {
        socket.close();
        resolve(median(samples) / 1000);
      } else next();
    });
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', next);
  });
}

export async function pythonUdpPingPong(port: number, roundTrips: number): Promise<number> {
  const peer = python('pingpong', String(port), String(roundTrips), String(DATAGRAM_SIZE));
  return Number(await peer.first) / 1000;
}

export interface FloodResult {
  /** Datagrams received per second, first to last. */
  perSecond: number;
  received: number;
  /** Ours only: the socket's `dropped` (engine and kernel). */
  dropped: number;
}

/** A UDPReceiveFrom loop under a Python sender's flood of `count` datagrams of `size` bytes. */
export async function oursFlood(count: number, size: number): Promise<FloodResult> {
  const s = UDPOpen('127.0.0.1');
  TCPSetOption(s, 'rcvbuf', 8 * 1024 * 1024);
  TCPSetOption(s, 'timeout', 500);
  const sender = python('flood', String(TCPGetMyPort(s)), String(count), String(size));
  const buffer = new Uint8Array(2048);
  let received = 0;
  let first = 0n;
  let last = 0n;
  // The sender's process starts meanwhile; the first receive waits for its first datagram.
  TCPSetOption(s, 'timeout', 10_000);
  if (UDPReceiveFrom(s, buffer) === size) {
    received = 1;
    first = last = process.hrtime.bigint();
    TCPSetOption(s, 'timeout', 500);
    while (received < count && UDPReceiveFrom(s, buffer) === size) {
      received++;
      last = process.hrtime.bigint();
    }
  }
  await sender.rest;
  const dropped = Number(TCPGetOption(s, 'dropped'));
  TCPClose(s);
  const seconds = Number(last - first) / 1e9;
  return { perSecond: seconds > 0 ? (received - 1) / seconds : 0, received, dropped };
}

export async function pythonFlood(count: number, size: number): Promise<FloodResult> {
  const receiver = python('receive', String(count));
  const port = await receiver.first;
  const sender = python('flood', port, String(count), String(size));
  await sender.rest;
  const lines = await receiver.rest;
  const [received, seconds] = (lines[1] ?? '0 0').split(' ').map(Number) as [number, number];
  return { perSecond: seconds > 0 ? (received - 1) / seconds : 0, received, dropped: Number.NaN };
}
