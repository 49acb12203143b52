/**
 * What every operation handler works with: the socket table and the helpers that turn a
 * request's socket number into the right kind of socket (or answer -509).
 */
import { ErrorCode } from '../errors.js';
import type { EngineSlot } from './slot.js';
import { SocketTable } from './socket-table.js';
import { StreamSocket } from './stream-socket.js';

export class Engine {
  readonly table: SocketTable;

  constructor(
    readonly registry: Int32Array,
    readonly generation: number,
  ) {
    this.table = new SocketTable(registry);
  }

  /** The connected socket the request names, or undefined after answering -509. */
  stream(slot: EngineSlot): StreamSocket | undefined {
    const entry = this.table.get(slot.socket);
    if (entry instanceof StreamSocket) return entry;
    slot.reply(ErrorCode.InvalidSocket);
    return undefined;
  }
}
