/**
 * A Python UDP peer (test/peers/udp_peer.py) as the datagram tests use it: commands on its
 * stdin, its report lines taken by kind. A test awaits the peer's `sent` before it blocks
 * in a receive: while this thread is blocked in a command nothing of it runs, so the
 * datagram must already be on its way.
 */
import { type Peer, startUdpPeer } from './peers.js';
import { until } from './wait-for.js';

export interface Received {
  address: string;
  port: number;
  bytes: Buffer;
}

export class UdpPeer {
  private constructor(private readonly peer: Peer) {}

  static async start(family: 4 | 6, address: string, ...options: string[]): Promise<UdpPeer> {
    return new UdpPeer(await startUdpPeer(family, address, ...options));
  }

  get port(): number {
    return this.peer.port;
  }

  /** The first line of `kind` the peer printed (taken out), waiting for it up to `timeoutMs`. */
  async line(kind: string, timeoutMs = 10_000): Promise<string[]> {
    const index = (): number => this.peer.lines.findIndex((line) => line === kind || line.startsWith(`${kind} `));
    if (!(await until(() => index() >= 0, timeoutMs))) throw new Error(`the UDP peer printed no '${kind}' in ${timeoutMs} ms`);
    return this.peer.lines.splice(index(), 1)[0]!.split(' ').slice(1);
  }

  /** Sends one datagram to host:port; resolves once Python's sendto returned. */
  async send(host: string, port: number, bytes: Uint8Array | string): Promise<void> {
    this.peer.process.stdin.write(`send ${host} ${port} ${Buffer.from(bytes).toString('hex')}\n`);
    await this.line('sent');
  }

  /** The next datagram the peer received. */
  async received(timeoutMs = 10_000): Promise<Received> {
    const [address, port, hex] = await this.line('got', timeoutMs);
    return { address: address!, port: Number(port), bytes: Buffer.from(hex ?? '', 'hex') };
  }

  /** Whether a datagram has come that nobody took yet. */
  get hasReceived(): boolean {
    return this.peer.lines.some((line) => line.startsWith('got '));
  }

  /** Sends `count` datagrams of `size` bytes (datagram i filled with i % 256); resolves when all are sent. */
  async flood(host: string, port: number, count: number, size: number): Promise<void> {
    this.peer.process.stdin.write(`flood ${host} ${port} ${count} ${size}\n`);
    await this.line('flooded', 60_000);
  }

  /** IP_ADD_MEMBERSHIP of an IPv4 group on the interface of a local address. */
  async join(group: string, networkInterface: string): Promise<void> {
    this.peer.process.stdin.write(`join ${group} ${networkInterface}\n`);
    await this.line('joined');
  }

  /** IP_DROP_MEMBERSHIP. */
  async leave(group: string, networkInterface: string): Promise<void> {
    this.peer.process.stdin.write(`leave ${group} ${networkInterface}\n`);
    await this.line('left');
  }

  stop(): Promise<void> {
    return this.peer.stop();
  }
}
