/**
 * A TLS listener under attack (issue 14 item 1): a good client's connect-to-first-byte
 * latency (TCP connect, TLS handshake, the server's greeting) while 200 attackers connect
 * and close before their ClientHello (each replaced at once), and while 200 stall with half
 * a ClientHello (each one the server drops replaced at once), against the same with no
 * attack; and 400 stalled, more than serve()'s 256 handshake places, so that they keep
 * displacing each other. Ours: serve({ cert, key }) with its defaults; the peer: node's tls.createServer.
 * Servers and attackers are processes of their own; the good client is node:tls here.
 */
import { makeTestPki } from '../test/helpers/certs.js';
import { type AttackMode, goodClient, startAttack } from '../test/helpers/tls-attack.js';
import { startServerProcess, type ServerProcess } from './serve-throughput.js';

export const ATTACKERS = 200;
/** More stalled clients than the default 'handshakes' (256). */
export const OVER_LIMIT = 400;

export interface LatencyFigures {
  p50: number;
  p99: number;
  failed: number;
  visits: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface TlsServers {
  ours: ServerProcess;
  node: ServerProcess;
  /** The CA the good client trusts. */
  ca: string;
}

export async function startTlsServers(): Promise<TlsServers> {
  const pki = makeTestPki();
  const [cert, key] = [pki.file('server.pem'), pki.file('server.key')];
  const ours = await startServerProcess(['--import=tsx', new URL('./servers/tls-greet-ours.ts', import.meta.url).pathname, cert, key]);
  const node = await startServerProcess([new URL('./servers/tls-greet-node.mjs', import.meta.url).pathname, cert, key]);
  return { ours, node, ca: pki.caPem };
}

/** `visits` good clients one after another against `port`, under `attack` (or none). */
export async function latencyUnderAttack(port: number, ca: string, attack: AttackMode | 'none', attackers: number, visits: number): Promise<LatencyFigures> {
  const running = attack === 'none' ? undefined : await startAttack(port, attack, attackers, 600);
  const times: number[] = [];
  let failed = 0;
  try {
    for (let i = 0; i < visits; i++) {
      const visit = await goodClient(port, ca, 10_000);
      if (visit.ok && visit.text === 'hello\n') times.push(visit.ms);
      else failed++;
    }
  } finally {
    await running?.stop();
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), failed, visits };
}
