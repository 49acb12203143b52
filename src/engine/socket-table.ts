/**
 * Socket numbers to engine sockets. Numbers come from the registry's counter, so they
 * are process-wide and never reused in a process run, even across engine restarts: a
 * stale number finds nothing and gets -509, never somebody else's connection.
 */
import { Reg } from '../protocol.js';
import { numberForLink } from './direct-link.js';
import type { DatagramSocket } from './datagram-socket.js';
import type { ListenerSocket } from './listener-socket.js';
import type { StreamSocket } from './stream-socket.js';
import type { UnboundSocket } from './unbound-socket.js';

export type SocketEntry = StreamSocket | ListenerSocket | UnboundSocket | DatagramSocket;

export class SocketTable {
  private readonly entries = new Map<number, SocketEntry>();

  constructor(private readonly registry: Int32Array) {}

  add(entry: SocketEntry): number {
    // A connection's number is chosen so that its direct entry is free (direct-link.ts).
    const number = 'numbered' in entry ? this.numberForConnection() : Atomics.add(this.registry, Reg.NextSocket, 1);
    this.entries.set(number, entry);
    // A connection may now open to direct calls (direct-link.ts).
    if ('numbered' in entry) entry.numbered(this.registry, number);
    return number;
  }

  /** Only the engine takes numbers: a load and a store are enough. */
  private numberForConnection(): number {
    const number = numberForLink(Atomics.load(this.registry, Reg.NextSocket));
    Atomics.store(this.registry, Reg.NextSocket, number + 1);
    return number;
  }

  get(number: number): SocketEntry | undefined {
    return this.entries.get(number);
  }

  /** The same number, a new state (an unbound socket becomes a listener at TCPBind). */
  replace(number: number, entry: SocketEntry): void {
    this.entries.set(number, entry);
  }

  delete(number: number): void {
    this.entries.delete(number);
  }

  get size(): number {
    return this.entries.size;
  }

  values(): IterableIterator<SocketEntry> {
    return this.entries.values();
  }
}
