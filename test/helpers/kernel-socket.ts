// What the Linux kernel says about one of our TCP sockets, read from /proc/net/tcp{,6}:
// the engine's own record of an option proves nothing about the socket, this does.
import { readFileSync } from 'node:fs';

export interface KernelTimer {
  /** /proc's `tr` field: 0 none, 1 retransmit, 2 keep-alive (sk_timer), 3 TIME_WAIT, 4 zero-window probe. */
  kind: number;
  /** When it fires, in seconds from now. */
  inSeconds: number;
}

export const KEEPALIVE_TIMER = 2;

/** The timer of the connection from `localPort` to `remotePort`, or undefined when the kernel lists none. */
export function kernelTimer(localPort: number, remotePort: number, family: 4 | 6 = 4): KernelTimer | undefined {
  const table = readFileSync(family === 4 ? '/proc/net/tcp' : '/proc/net/tcp6', 'utf8');
  const hex = (port: number): string => `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of table.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when ...
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || !fields[1]!.endsWith(hex(localPort)) || !fields[2]!.endsWith(hex(remotePort))) continue;
    const [kind, when] = fields[5]!.split(':');
    // tm->when is printed in USER_HZ ticks, 100 per second on Linux.
    return { kind: Number.parseInt(kind!, 16), inSeconds: Number.parseInt(when!, 16) / 100 };
  }
  return undefined;
}

/** The kernel's view of the connection from `localPort` to `remotePort`: its state and queues, or undefined once it is gone. */
export function kernelConnection(localPort: number, remotePort: number, family: 4 | 6 = 4): { state: number; sendQueue: number; receiveQueue: number } | undefined {
  const table = readFileSync(family === 4 ? '/proc/net/tcp' : '/proc/net/tcp6', 'utf8');
  const hex = (port: number): string => `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of table.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue ...
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !fields[1]!.endsWith(hex(localPort)) || !fields[2]!.endsWith(hex(remotePort))) continue;
    const [sendQueue, receiveQueue] = fields[4]!.split(':').map((queue) => Number.parseInt(queue, 16));
    return { state: Number.parseInt(fields[3]!, 16), sendQueue: sendQueue!, receiveQueue: receiveQueue! };
  }
  return undefined;
}

/** /proc's `st` of a connection whose peer has sent its FIN. */
export const CLOSE_WAIT = 0x08;
