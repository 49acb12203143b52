/**
 * Whether a socket number names a datagram socket, for the commands that read a datagram
 * socket differently (TCPReceiveData reads a record from one datagram, not from a stream of
 * them). Socket numbers are never reused in a process, so an answer holds for ever: a
 * datagram socket is remembered until it is closed here, the last streams asked about in a
 * small memory; others cost one engine round trip, once.
 */
import type { Channel } from '../channel/caller.js';
import { OptionId } from '../option-table.js';
import { Op } from '../protocol.js';

const STREAMS_REMEMBERED = 256;
const datagrams = new Set<number>();
const streams = new Map<number, true>();

/** UDPOpen made it on this thread. */
export function noteDatagram(socket: number): void {
  datagrams.add(socket);
}

/** TCPClose released it. */
export function forgetSocket(socket: number): void {
  datagrams.delete(socket);
  streams.delete(socket);
}

export function isDatagram(channel: Channel, socket: number): boolean {
  if (datagrams.has(socket)) return true;
  if (streams.has(socket)) return false;
  // An option only datagram sockets have (and a cheap one: `dropped` reads /proc).
  if (channel.call(Op.GetOption, socket, OptionId.multicastloop) >= 0) {
    datagrams.add(socket);
    return true;
  }
  streams.set(socket, true);
  if (streams.size > STREAMS_REMEMBERED) streams.delete(streams.keys().next().value as number);
  return false;
}
