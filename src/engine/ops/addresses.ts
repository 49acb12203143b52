/** TCPGetMyAddr, TCPGetMyPort, TCPGetRemoteAddr, TCPGetRemotePort on a socket. */
import { ErrorCode } from '../../errors.js';
import type { Engine } from '../engine.js';
import type { EngineSlot } from '../slot.js';

/** Arg0 of LocalAddress/RemoteAddress: give an IPv4 address in IPv4-mapped IPv6 form. */
const AS_IPV6 = 1;

function presentAddress(address: string | undefined, asIpv6: boolean): string | undefined {
  if (address === undefined) return undefined;
  // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; legacy code expects a.b.c.d.
  const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  return asIpv6 && plain.includes('.') ? `::ffff:${plain}` : plain;
}

function answerAddress(slot: EngineSlot, address: string | undefined): void {
  const text = presentAddress(address, (slot.arg0 & AS_IPV6) !== 0);
  if (text === undefined) slot.reply(ErrorCode.NotConnected);
  else slot.replyText(0, text);
}

export function localAddress(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream !== undefined) answerAddress(slot, stream.socket.localAddress);
}

export function remoteAddress(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream !== undefined) answerAddress(slot, stream.socket.remoteAddress);
}

export function localPort(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream !== undefined) slot.reply(stream.socket.localPort ?? ErrorCode.NotConnected);
}

export function remotePort(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream !== undefined) slot.reply(stream.socket.remotePort ?? ErrorCode.NotConnected);
}
