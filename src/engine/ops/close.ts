/** TCPClose and TCPBlock, on every kind of socket. */
import { ErrorCode } from '../../errors.js';
import { DatagramSocket } from '../datagram-socket.js';
import type { Engine } from '../engine-sockets.js';
import { ListenerSocket } from '../listener-socket.js';
import type { EngineSlot } from '../slot.js';
import { CloseOption } from '../../protocol.js';
import { StreamSocket } from '../stream-socket.js';

export function close(slot: EngineSlot, engine: Engine): void {
  const option = slot.arg0;
  if (option !== CloseOption.Complete && option !== CloseOption.HalfClose && option !== CloseOption.Abort) {
    return slot.reply(ErrorCode.InvalidCloseOption);
  }
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  if (option === CloseOption.HalfClose) {
    // Only a connection has a sending direction to shut down.
    if (!(entry instanceof StreamSocket)) return slot.reply(ErrorCode.NotConnected);
    entry.halfClose();
    return slot.reply(0);
  }
  if (entry instanceof StreamSocket) closeConnection(engine, slot.socket, entry, option);
  else {
    // The number is released at once: from here on it is -509 on every thread.
    engine.table.delete(slot.socket);
    if (entry instanceof DatagramSocket) engine.countGone(entry);
    if (entry instanceof ListenerSocket || entry instanceof DatagramSocket) entry.release();
  }
  slot.reply(0);
}

/**
 * Closes connection `number` (option 0: FIN and drain; 2: reset): TCPClose's work, also
 * done by the engine itself for a served connection whose peer left or stayed idle.
 */
export function closeConnection(engine: Engine, number: number, entry: StreamSocket, option: number): void {
  // The number is released at once: from here on it is -509 on every thread.
  engine.table.delete(number);
  const counted = (): void => engine.countGone(entry);
  // A socket both of whose directions had ended is closed already ('close' came and
  // will not come again): waiting for it would keep the entry in `closing` for ever.
  if (entry.socket.closed) counted();
  else {
    engine.closing.add(entry);
    entry.socket.once('close', () => {
      engine.closing.delete(entry);
      counted();
    });
  }
  entry.release(option);
}

export function block(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  entry.blocking = slot.arg0 === 0;
  slot.reply(0);
}
