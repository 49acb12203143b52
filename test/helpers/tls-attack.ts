/**
 * TLS listener attacks and a good client, for the tests and the bench: the attackers are
 * a process of their own (test/peers/tls-attacker.mjs), the good client is node:tls here.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import tls from 'node:tls';

const attackerScript = new URL('../peers/tls-attacker.mjs', import.meta.url).pathname;

export type AttackMode = 'close' | 'reset' | 'stall' | 'hello';

export interface Attack {
  /** Ends the attack; what the attackers saw. */
  stop(): Promise<{ connections: number; droppedByServer: number }>;
}

/**
 * Starts `count` attackers of `mode` on `port`; resolves once all have connected. With
 * `seconds`, each one the server drops or that closes is replaced at once for that long.
 */
export async function startAttack(port: number, mode: AttackMode, count: number, seconds?: number): Promise<Attack> {
  const args = [attackerScript, String(port), mode, String(count)];
  if (seconds !== undefined) args.push(String(seconds));
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const received: string[] = [];
  let notify: (() => void) | undefined;
  lines.on('line', (line) => {
    received.push(line);
    notify?.();
  });
  const nextLine = async (timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (received.length === 0) {
      if (child.exitCode !== null) throw new Error('the attacker process ended early');
      if (Date.now() > deadline) {
        child.kill();
        throw new Error('no answer from the attacker process');
      }
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, 200);
      });
    }
    return received.shift()!;
  };
  const ready = await nextLine();
  if (ready !== 'ready') throw new Error(`attacker: ${ready}`);
  return {
    async stop() {
      child.stdin.end();
      return JSON.parse(await nextLine()) as { connections: number; droppedByServer: number };
    },
  };
}

export interface GoodVisit {
  /** From the start of the TCP connect to the first byte of the server's answer, ms. */
  ms: number;
  /** What the server sent before closing, or the error's text. */
  text: string;
  ok: boolean;
}

/** A well-behaved TLS client: connects, verifies against `ca`, reads until the server closes. */
export function goodClient(port: number, ca: string, timeoutMs = 20_000): Promise<GoodVisit> {
  const started = performance.now();
  return new Promise((resolve) => {
    let text = '';
    let firstByte = -1;
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca });
    const done = (ok: boolean, why = ''): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ms: firstByte < 0 ? performance.now() - started : firstByte - started, text: ok ? text : why, ok });
    };
    const timer = setTimeout(() => done(false, 'timed out'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      if (firstByte < 0) firstByte = performance.now();
      text += chunk.toString();
    });
    socket.on('end', () => done(firstByte >= 0));
    socket.on('error', (error) => done(false, error.message));
  });
}
