/**
 * TCPSend and TCPReceive: the socket does the work; these only find it. On a datagram
 * socket they move whole datagrams to and from its default peer (UDPConnect).
 */
import { SendFlag } from '../../protocol.js';
import { DatagramSocket } from '../datagram-socket.js';
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';

export function send(slot: EngineSlot, engine: Engine): void {
  const entry = engine.table.get(slot.socket);
  if (entry instanceof DatagramSocket) return entry.send(slot, slot.sendPayload(), (slot.arg0 & SendFlag.Text) !== 0, undefined, 0, entry.options.timeoutMs);
  engine.stream(slot)?.send(slot);
}

export function receive(slot: EngineSlot, engine: Engine): void {
  const entry = engine.table.get(slot.socket);
  if (entry instanceof DatagramSocket) return entry.receive(slot, false);
  engine.stream(slot)?.receive(slot);
}
