/**
 * The engine's sockets, as every operation handler gets them (its `engine` argument): the
 * socket table (socket-table.ts), the connections still closing, the counters of sockets
 * gone, and the helpers that turn a request's socket number into the kind of socket it
 * needs, or answer the code the error table gives for a wrong one:
 *   unknown or closed number                     -509
 *   a connection needed, listener/unbound given  -10057 (not connected)
 *   a listener needed, anything else given       -10022 (invalid argument, as listen/accept)
 */
import { ErrorCode } from '../errors.js';
import { releaseDirectLocksOf } from '../direct-table.js';
import { DatagramSocket } from './datagram-socket.js';
import { ListenerSocket } from './listener-socket.js';
import type { EngineSlot } from './slot.js';
import { type SocketEntry, SocketTable } from './socket-table.js';
import { StreamSocket } from './stream-socket.js';

export class Engine {
  readonly table: SocketTable;
  /** Connections closed by TCPClose whose last bytes and FIN may still be on their way. */
  readonly closing = new Set<StreamSocket>();
  /** Bytes received and sent by connections that are gone (TCPStats adds the live ones). */
  bytesIn = 0;
  bytesOut = 0;
  /** Direct reads and writes of connections that are gone (direct-link.ts). */
  directReads = 0;
  directWrites = 0;
  /** Requests dispatched (dispatch.ts): one increment each, read by TCPStats. */
  calls = 0;

  constructor(
    readonly registry: Int32Array,
    readonly generation: number,
  ) {
    this.table = new SocketTable(registry);
  }

  /** A socket is gone (closed, drained): what it moved stays in TCPStats' totals. */
  countGone(entry: StreamSocket | DatagramSocket): void {
    this.bytesIn += entry.bytesIn;
    this.bytesOut += entry.bytesOut;
    this.directReads += entry.directCalls.reads;
    this.directWrites += entry.directCalls.writes;
  }

  /**
   * A caller thread has ended (caller-threads.ts): every socket drops what this slot had
   * parked on it, without taking any data, and releases any lock it held; then the slot
   * is closed for good. The one place a dead thread's claims on sockets end.
   */
  forgetSlot(slot: EngineSlot): void {
    for (const entry of this.table.values()) {
      if (entry instanceof StreamSocket || entry instanceof ListenerSocket || entry instanceof DatagramSocket) entry.forget(slot);
    }
    // A lock it held for a direct system call (it died inside one, or waiting for the
    // remainder of its send) would keep every other thread off that socket.
    releaseDirectLocksOf(this.registry, slot.id);
    slot.forget();
  }

  /** Any socket the request names, or undefined after answering -509. */
  entry(slot: EngineSlot): SocketEntry | undefined {
    const entry = this.table.get(slot.socket);
    if (entry === undefined) slot.reply(ErrorCode.InvalidSocket);
    return entry;
  }

  /** The connected socket the request names, or undefined after answering. */
  stream(slot: EngineSlot): StreamSocket | undefined {
    const entry = this.entry(slot);
    if (entry === undefined || entry instanceof StreamSocket) return entry;
    slot.reply(ErrorCode.NotConnected);
    return undefined;
  }

  /** The bound socket the request names, or undefined after answering. */
  listener(slot: EngineSlot): ListenerSocket | undefined {
    const entry = this.entry(slot);
    if (entry === undefined || entry instanceof ListenerSocket) return entry;
    slot.reply(ErrorCode.InvalidArgument);
    return undefined;
  }
}
