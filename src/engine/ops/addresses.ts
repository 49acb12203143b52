/**
 * TCPGetMyAddr, TCPGetMyPort, TCPGetRemoteAddr, TCPGetRemotePort on a socket. A
 * Unix-domain socket's addresses are its path or '@name', both ends alike, and its ports 0.
 */
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../../errors.js';
import { AddressFlag } from '../../protocol.js';
import { DatagramSocket } from '../datagram-socket.js';
import type { Engine } from '../engine-sockets.js';
import { ListenerSocket } from '../listener-socket.js';
import type { SocketEntry } from '../socket-table.js';
import type { EngineSlot } from '../slot.js';
import { plainAddress } from '../plain-address.js';
import { StreamSocket } from '../stream-socket.js';
import { isUnixAddress } from '../../unix-address.js';

function answerAddress(slot: EngineSlot, address: string | undefined): void {
  if (address === undefined) return slot.reply(ErrorCode.NotConnected);
  if (isUnixAddress(address)) return slot.replyText(0, address); // no IPv4 in it to map ('/tmp/app.sock' has dots)
  const plain = plainAddress(address);
  slot.replyText(0, (slot.arg0 & AddressFlag.AsIpv6) !== 0 && plain.includes('.') ? `::ffff:${plain}` : plain);
}

/** Where a socket is bound: undefined for a socket not bound yet. */
function local(entry: SocketEntry): { address?: string | undefined; port?: number | undefined } | undefined {
  if (entry instanceof StreamSocket) {
    if (entry.unixAddress !== undefined) return { address: entry.unixAddress, port: 0 };
    return { address: entry.socket.localAddress, port: entry.socket.localPort };
  }
  if (entry instanceof ListenerSocket) {
    if (entry.unixAddress !== undefined) return { address: entry.unixAddress, port: 0 };
    return entry.server.address() as AddressInfo | null ?? undefined;
  }
  if (entry instanceof DatagramSocket) return entry.socket.address();
  return undefined;
}

export function localAddress(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  const bound = local(entry);
  if (bound === undefined) return slot.reply(ErrorCode.InvalidArgument); // getsockname before bind
  answerAddress(slot, bound.address);
}

export function localPort(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  const bound = local(entry);
  if (bound === undefined) return slot.reply(ErrorCode.InvalidArgument);
  slot.reply(bound.port ?? ErrorCode.NotConnected);
}

export function remoteAddress(slot: EngineSlot, engine: Engine): void {
  const datagram = engine.table.get(slot.socket);
  if (datagram instanceof DatagramSocket) return answerAddress(slot, datagram.peer?.address);
  const stream = engine.stream(slot);
  if (stream !== undefined) answerAddress(slot, stream.socket.remoteAddress ?? stream.unixAddress); // a PROXY header's client first
}

export function remotePort(slot: EngineSlot, engine: Engine): void {
  const datagram = engine.table.get(slot.socket);
  if (datagram instanceof DatagramSocket) return slot.reply(datagram.peer?.port ?? ErrorCode.NotConnected);
  const stream = engine.stream(slot);
  if (stream !== undefined) slot.reply(stream.socket.remotePort ?? (stream.unixAddress !== undefined ? 0 : ErrorCode.NotConnected));
}
