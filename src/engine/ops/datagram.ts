/**
 * The datagram commands in the engine: UDPOpen, UDPSendTo, UDPReceiveFrom, UDPConnect,
 * UDPJoinGroup / UDPLeaveGroup. The socket (datagram-socket.ts) does the sending and
 * receiving; these find it, resolve names and bind.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns';
import net from 'node:net';
import { codeFromError, ErrorCode } from '../../errors.js';
import { UdpOpenFlag, UdpSendToFlag } from '../../protocol.js';
import { DatagramSocket } from '../datagram-socket.js';
import type { Engine } from '../engine-sockets.js';
import { plainAddress } from '../plain-address.js';
import type { EngineSlot } from '../slot.js';

/** The datagram socket the request names, or undefined after answering (-509, or -10022 for another kind). */
export function datagramOf(slot: EngineSlot, engine: Engine): DatagramSocket | undefined {
  const entry = engine.entry(slot);
  if (entry === undefined || entry instanceof DatagramSocket) return entry;
  slot.reply(ErrorCode.InvalidArgument);
  return undefined;
}

/** An address and its family: literals at once, names by the system's resolver (as TCPBind). */
function resolve(host: string, then: (error: Error | null, address: string, family: 4 | 6) => void): void {
  const literal = net.isIP(host);
  if (host === '') return then(null, '0.0.0.0', 4);
  if (literal !== 0) return then(null, host, literal as 4 | 6);
  lookup(host, (error, address, family) => then(error, address, family === 6 ? 6 : 4));
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * An IPv6 socket's look-up of a send's or connect's host: IPv4 hosts (literals, and names
 * with only A records) as IPv4-mapped addresses, which a dual-stack socket sends to over
 * IPv4, so that an answer goes back to the a.b.c.d UDPReceiveFrom reported (node's own
 * look-up for udp6 asks for IPv6 addresses only, and an IPv4 literal gives EINVAL).
 */
function dualStackLookup(host: string, _options: unknown, callback: LookupCallback): void {
  const mapped = (address: string, family: number): string => (family === 4 ? `::ffff:${address}` : address);
  const literal = net.isIP(host);
  if (literal !== 0) return callback(null, mapped(host, literal), 6); // at once: see ipv4Lookup
  lookup(host, { family: 0 }, (error, address, family) => callback(error, error === null ? mapped(address, family) : address, 6));
}

/**
 * An IPv4 socket's look-up: a literal answered at once (node's own defers it to the next
 * tick, and the send with it: a hop per UDPSendTo), a name by the system's resolver.
 */
function ipv4Lookup(host: string, _options: unknown, callback: LookupCallback): void {
  if (net.isIPv4(host)) return callback(null, host, 4);
  lookup(host, { family: 4 }, (error, address) => callback(error, address, 4));
}

export function udpOpen(slot: EngineSlot, engine: Engine): void {
  const reply = slot.replier();
  const reuseAddr = (slot.arg1 & UdpOpenFlag.ReuseAddr) !== 0;
  let socket: dgram.Socket | undefined;
  let over = false;
  resolve(slot.text(), (error, address, family) => {
    if (over) return;
    if (error !== null) return reply(codeFromError(error, ErrorCode.HostNotFound));
    // ipv6Only false: '::' takes IPv4 datagrams too (dual stack), as TCPBind's listeners do;
    // and it sends to IPv4 hosts, as ::ffff:a.b.c.d (dualStackLookup).
    const opened = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr, ipv6Only: false, lookup: family === 6 ? dualStackLookup : ipv4Lookup });
    socket = opened;
    opened.once('error', (bindError) => {
      opened.close();
      reply(codeFromError(bindError, ErrorCode.AddressNotAvailable));
    });
    opened.bind({ port: slot.arg0 === 0 ? 0 : slot.arg0, address, exclusive: true }, () => {
      if (over) return;
      opened.removeAllListeners('error');
      const entry = new DatagramSocket(opened, family, reuseAddr);
      entry.applyBufferSizes();
      reply(engine.table.add(entry));
    });
  });
  slot.park(slot.arg2, () => {
    over = true;
    try {
      socket?.close();
    } catch {
      // not bound yet, or closed by its error
    }
  });
}

export function udpSendTo(slot: EngineSlot, engine: Engine): void {
  const datagram = datagramOf(slot, engine);
  if (datagram === undefined) return;
  const hostLength = Math.min(slot.arg1 & UdpSendToFlag.HostLengthMask, slot.dataLength);
  const host = slot.data.toString('utf8', 0, hostLength);
  const text = (slot.arg1 & UdpSendToFlag.Text) !== 0;
  datagram.send(slot, slot.data.subarray(hostLength, slot.dataLength), text, host, slot.arg0, slot.arg2);
}

export function udpReceiveFrom(slot: EngineSlot, engine: Engine): void {
  datagramOf(slot, engine)?.receive(slot, true);
}

export function udpConnect(slot: EngineSlot, engine: Engine): void {
  const datagram = datagramOf(slot, engine);
  if (datagram === undefined) return;
  if (datagram.peer !== undefined) return slot.reply(ErrorCode.IsConnected);
  const reply = slot.replier();
  try {
    // node resolves the name, then connect(2): a failure of either comes to the callback.
    datagram.socket.connect(slot.arg0, slot.text(), (error?: Error) => {
      if (error !== undefined && error !== null) return reply(codeFromError(error, ErrorCode.HostNotFound));
      const peer = datagram.socket.remoteAddress();
      datagram.peer = { address: plainAddress(peer.address), port: peer.port };
      datagram.connected(engine.registry, slot.socket);
      reply(0);
    });
  } catch (error) {
    return slot.reply(codeFromError(error, ErrorCode.InvalidArgument)); // ERR_SOCKET_DGRAM_IS_CONNECTED: a connect in progress
  }
  slot.park(slot.arg2, () => {}); // the late answer of a slow look-up finds no request
}

export function udpMembership(slot: EngineSlot, engine: Engine): void {
  const datagram = datagramOf(slot, engine);
  if (datagram === undefined) return;
  const [group = '', networkInterface] = slot.text().split('\0');
  try {
    if (slot.arg0 === 1) datagram.socket.addMembership(group, networkInterface || undefined);
    else datagram.socket.dropMembership(group, networkInterface || undefined);
  } catch (error) {
    return slot.reply(codeFromError(error, ErrorCode.InvalidArgument));
  }
  slot.reply(0);
}
