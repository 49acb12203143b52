/**
 * Real UDP servers for the datagram tests: dnsmasq (DNS) and tftpd-hpa's in.tftpd (TFTP),
 * on 127.0.0.1 and a port nobody uses. Each runs under `timeout`, so one a dead test
 * leaves behind ends by itself; `stop()` ends it at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { until } from './wait-for.js';

export const DNSMASQ = '/usr/sbin/dnsmasq';
export const IN_TFTPD = '/usr/sbin/in.tftpd';

/** A daemon's whole life, bounded (seconds). */
const LIFETIME = '120';

export interface Daemon {
  port: number;
  /** What it wrote on stdout and stderr so far (for a failure's message). */
  output(): string;
  stop(): Promise<void>;
}

/** Whether `file` is there to run; the test that needs it is skipped, with a message, when it is not. */
export function installed(file: string): boolean {
  return existsSync(file);
}

/**
 * A loopback port free for UDP and TCP now (dnsmasq takes both). A port number, not 0:
 * neither daemon can tell which port the system chose for it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const udp = dgram.createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    if (free) return port;
  }
}

/** Whether a UDP socket is bound to 127.0.0.1:port now (/proc/net/udp's local address column, in hex). */
function udpBound(port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    return readFileSync('/proc/net/udp', 'utf8').split('\n').some((line) => line.trim().split(/\s+/)[1] === local);
  } catch {
    return false;
  }
}

function startDaemon(args: string[], port: number): Promise<Daemon> {
  const child: ChildProcess = spawn('timeout', [LIFETIME, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const daemon: Daemon = {
    port,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
  // Ready once its socket is bound: polled, not slept for.
  return until(() => udpBound(port) || child.exitCode !== null, 15_000).then(async (bound) => {
    if (bound && child.exitCode === null) return daemon;
    await daemon.stop();
    throw new Error(`${args[0]} did not start on port ${port}: ${output}`);
  });
}

/** dnsmasq answering from `hostsFile` only (no upstream, no /etc/hosts), on 127.0.0.1:port. */
export async function startDnsmasq(hostsFile: string, pidFile: string): Promise<Daemon> {
  const port = await freePort();
  return startDaemon(
    [DNSMASQ, '--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', `--addn-hosts=${hostsFile}`, '--conf-file=/dev/null', `--pid-file=${pidFile}`, '--log-queries'],
    port,
  );
}

/**
 * in.tftpd serving `dir` read-only on 127.0.0.1:port. --secure chroots to it, which only
 * root can do; as root it must be told to stay root (its default, nobody, cannot read a
 * mkdtemp directory).
 */
export async function startTftpd(dir: string): Promise<Daemon> {
  const port = await freePort();
  return startDaemon([IN_TFTPD, '--foreground', '--address', `127.0.0.1:${port}`, '--secure', '--user', 'root', dir], port);
}
