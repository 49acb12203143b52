/**
 * The datagram commands: UDPOpen, UDPSendTo, UDPReceiveFrom, UDPConnect, UDPJoinGroup,
 * UDPLeaveGroup. A datagram socket is numbered like every other socket, so TCPClose,
 * TCPBlock, TCPSetOption / TCPGetOption, TCPGetMyAddr / TCPGetMyPort take it, and once
 * connected (UDPConnect) TCPSend / TCPReceive move whole datagrams to and from its peer.
 */
import type { Channel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { OptionId } from '../option-table.js';
import { DATAGRAM_HEADER_BYTES, DatagramHeader, Op, UdpOpenFlag, UdpSendToFlag } from '../protocol.js';
import { decodeText } from '../text/encodings.js';
import { command, run } from './command.js';
import { applyThreadDefaults } from './connect.js';
import { hostArgument, hostName } from './host-name.js';
import { assignHolder, bytesOf, type Holder, sendPayload, type SendBuffer } from './payload.js';
import { receiveBuffer } from './receive-buffer.js';
import { portArgument, portRule } from './services.js';
import { noteDatagram } from './socket-kind.js';
import { threadState } from './thread-state.js';
import { socketNumber } from './validate.js';

/** The largest datagram payload of any family (IPv6's); the engine checks its socket's own (IPv4: 65,507). */
export const LARGEST_DATAGRAM = 65_527;

/** Where UDPReceiveFrom's `from` learns the sender: `{ address, port, size }`. */
export interface DatagramSender {
  /** The sender's address. */
  address: string;
  /** The sender's port. */
  port: number;
  /** The datagram's full length (more than the count returned when it did not fit: -10040). */
  size: number;
}

/** UDPReceiveFrom's `from`: a holder whose `value` becomes the sender. */
export interface SenderHolder {
  /** Set by UDPReceiveFrom to the datagram's sender and size. */
  value?: DatagramSender | undefined;
}

/** UDPOpen's address: '' (all IPv4 interfaces) or a host as TCPConnect takes it. */
function localAddress(value: unknown): number {
  if (value === undefined || value === '') return 0;
  return hostName(value);
}

/** `from`: left out, or an object whose `value` can be set (checked before a datagram is taken). */
function senderHolder(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return ErrorCode.WrongType;
  try {
    const current = (value as SenderHolder).value;
    (value as SenderHolder).value = current;
    return 0;
  } catch {
    return ErrorCode.InvalidArgument; // frozen, or a setter that refuses: no datagram is lost to it
  }
}

/** A datagram's payload: what TCPSend takes, as one piece. */
function datagramPayload(value: unknown): number {
  const payload = sendPayload(value);
  return typeof payload === 'number' ? payload : 0;
}

const OPEN = command({
  name: 'UDPOpen', min: 0, max: 2,
  rules: [[0, localAddress], [1, portRule(0, 'udp')]],
  core: (channel, address: string | undefined, serviceOrPort: number | string | undefined) => {
    const host = address === undefined || address === '' ? '' : (hostArgument(address) as string);
    const length = channel.data.write(host, 0, 'utf8');
    const reuse = threadState.connectionDefaults.get(OptionId.reuseaddr) === 1 ? UdpOpenFlag.ReuseAddr : 0;
    const port = serviceOrPort === undefined ? 0 : portArgument(serviceOrPort, 0, 'udp');
    const socket = channel.call(Op.UdpOpen, 0, port, reuse, threadState.commsTimeoutMs, length);
    if (socket > 0) {
      noteDatagram(socket);
      applyThreadDefaults(channel, socket); // socket 0's timeout, encoding, buffers
    }
    return socket;
  },
});

/**
 * A new datagram socket, bound at once.
 * @param address - '' all IPv4 interfaces (the default), '::' every interface of both families, an IPv4 or IPv6 literal or a host name
 * @param serviceOrPort - a port number, or a UDP service name ('tftp' is 69); 0 (the default) lets the system choose (TCPGetMyPort reads it)
 * @returns the new socket number, or an error code: -10048 port in use, -10049 an address not of this machine, -10109 unknown service, -10022 a port out of range, -501 / -503 wrong arguments
 */
export function UDPOpen(address: string = '', serviceOrPort: number | string = 0): number {
  return run(OPEN, arguments.length, address, serviceOrPort);
}

export const SEND_TO = command({
  name: 'UDPSendTo', min: 4, max: 4,
  rules: [[0, socketNumber], [1, hostName], [2, portRule(ErrorCode.AddressNotAvailable, 'udp')], [3, datagramPayload]],
  core: (channel, socket: number, host: string, serviceOrPort: number | string, buffer: SendBuffer) =>
    sendDatagram(channel, socket, hostArgument(host) as string, portArgument(serviceOrPort, 0, 'udp'), sendPayload(buffer) as string | Uint8Array, channel.call.bind(channel)),
});

/**
 * Sends `buffer` as one datagram to `host` (a name is looked up as for TCPConnect) and port.
 * @param socket - a datagram socket from UDPOpen
 * @param host - the destination's name or address
 * @param serviceOrPort - its port number or UDP service name
 * @param buffer - a string (in the socket's `encoding`), bytes, or a holder's value; one piece, not an array
 * @returns the datagram's length, or an error code: -10040 longer than one datagram can be (65,507 bytes over IPv4; nothing sent), -10013 a broadcast address without the `broadcast` option, -10056 the socket has a default peer (UDPConnect: use TCPSend), -11001 unknown host, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function UDPSendTo(socket: number, host: string, serviceOrPort: number | string, buffer: SendBuffer): number {
  return run(SEND_TO, arguments.length, socket, host, serviceOrPort, buffer);
}

/**
 * Writes one datagram's request into the channel's area and makes the call with `call`
 * (blocking, or awaited by sendToAsync). A payload the area cannot hold: -10040, nothing sent.
 */
export function sendDatagram<R>(
  channel: Channel,
  socket: number,
  host: string,
  port: number,
  payload: string | Uint8Array,
  call: (op: number, socket: number, arg0: number, arg1: number, arg2: number, dataLength: number) => R,
): R | number {
  const data = channel.data;
  const hostLength = data.write(host, 0, 'utf8');
  const room = Math.min(data.length - hostLength, LARGEST_DATAGRAM * 4);
  if (typeof payload === 'string') {
    // Encoded straight into shared memory; the engine re-encodes it in the socket's `encoding`.
    if (Buffer.byteLength(payload) > room) return ErrorCode.MessageTooLong;
    const length = data.write(payload, hostLength, 'utf8');
    return call(Op.UdpSendTo, socket, port, hostLength | UdpSendToFlag.Text, threadState.commsTimeoutMs, hostLength + length);
  }
  if (payload.length > Math.min(room, LARGEST_DATAGRAM)) return ErrorCode.MessageTooLong;
  data.set(payload, hostLength);
  return call(Op.UdpSendTo, socket, port, hostLength, threadState.commsTimeoutMs, hostLength + payload.length);
}

const RECEIVE_FROM = command({
  name: 'UDPReceiveFrom', min: 2, max: 3,
  rules: [[0, socketNumber], [1, receiveBuffer], [2, senderHolder]],
  core: (channel, socket: number, buffer: Uint8Array | ArrayBufferView | Holder, from: SenderHolder | undefined) => receiveDatagram(channel, socket, buffer, from),
});

/**
 * Receives one datagram. A blocking socket waits, up to its `timeout`; a non-blocking one
 * answers -10035 when none is there.
 * @param socket - a datagram socket from UDPOpen
 * @param buffer - a Uint8Array (the datagram's first bytes), or a holder (a string value: text in the socket's `encoding`; a Uint8Array value: the bytes)
 * @param from - an object whose `value` becomes `{ address, port, size }` (`size`: the datagram's full length)
 * @returns the count of bytes, 0 for an empty datagram, or an error code: -10040 the datagram was longer than the buffer (its first bytes were received, the rest discarded), -522 the socket's `timeout`, -10035 none there (non-blocking), -10061 an ICMP refusal of an earlier datagram, -10053 closed meanwhile, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function UDPReceiveFrom(socket: number, buffer: Uint8Array | ArrayBufferView | Holder, from?: SenderHolder): number {
  return run(RECEIVE_FROM, arguments.length, socket, buffer, from);
}

/** An Op.UdpReceiveFrom reply in the channel's area: the bytes (a view of the area), sender, full size, encoding. */
export function datagramReply(channel: Channel): { bytes: Buffer; sender: DatagramSender; encoding: number } {
  const data = channel.data;
  const word = (index: number): number => data.readUInt32LE(index * 4);
  const start = DATAGRAM_HEADER_BYTES + word(DatagramHeader.AddressLength);
  return {
    bytes: data.subarray(start, start + word(DatagramHeader.Copied)),
    sender: { address: data.toString('utf8', DATAGRAM_HEADER_BYTES, start), port: word(DatagramHeader.Port), size: word(DatagramHeader.Size) },
    encoding: word(DatagramHeader.Encoding),
  };
}

function receiveDatagram(channel: Channel, socket: number, buffer: Uint8Array | ArrayBufferView | Holder, from: SenderHolder | undefined): number {
  const target = ArrayBuffer.isView(buffer) ? bytesOf(buffer) : undefined;
  const result = channel.call(Op.UdpReceiveFrom, socket, target?.length ?? LARGEST_DATAGRAM);
  if (result < 0 && result !== ErrorCode.MessageTooLong) return result;
  const { bytes, sender, encoding } = datagramReply(channel);
  if (target !== undefined) target.set(bytes);
  else {
    const holder = buffer as Holder;
    const value = typeof holder.value === 'string' ? decodeText(bytes, encoding) : new Uint8Array(bytes);
    if (!assignHolder(holder, value)) return ErrorCode.InvalidArgument;
  }
  if (from !== undefined) {
    try {
      from.value = sender;
    } catch {
      return ErrorCode.InvalidArgument; // a setter that accepted its own value back, then refused this one
    }
  }
  return result;
}

const CONNECT = command({
  name: 'UDPConnect', min: 3, max: 3,
  rules: [[0, socketNumber], [1, hostName], [2, portRule(ErrorCode.AddressNotAvailable, 'udp')]],
  core: (channel, socket: number, host: string, serviceOrPort: number | string) => {
    const length = channel.data.write(hostArgument(host) as string, 0, 'utf8');
    return channel.call(Op.UdpConnect, socket, portArgument(serviceOrPort, 0, 'udp'), 0, threadState.commsTimeoutMs, length);
  },
});

/**
 * Gives a datagram socket a default peer (connect(2) on it): TCPSend and TCPReceive then
 * send whole datagrams to it and receive only from it (the kernel drops datagrams of
 * others), on the calling thread, and TCPGetRemoteAddr / TCPGetRemotePort name it.
 * @param socket - a datagram socket from UDPOpen
 * @param host - the peer's name or address
 * @param serviceOrPort - its port number or UDP service name
 * @returns 0, or an error code: -10056 already connected (once only), -11001 unknown host, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function UDPConnect(socket: number, host: string, serviceOrPort: number | string): number {
  return run(CONNECT, arguments.length, socket, host, serviceOrPort);
}

/** The interface argument of a group command: left out, '', or an address. */
function interfaceAddress(value: unknown): number {
  return value === undefined || value === '' ? 0 : hostName(value);
}

function membership(name: string, join: 1 | 0) {
  return command({
    name, min: 2, max: 3,
    rules: [[0, socketNumber], [1, hostName], [2, interfaceAddress]],
    core: (channel, socket: number, group: string, networkInterface: string | undefined) => {
      const text = networkInterface === undefined || networkInterface === '' ? (hostArgument(group) as string) : `${hostArgument(group) as string}\0${networkInterface.trim()}`;
      const length = channel.data.write(text, 0, 'utf8');
      return channel.call(Op.UdpMembership, socket, join, 0, 0, length);
    },
  });
}

const JOIN = membership('UDPJoinGroup', 1);
const LEAVE = membership('UDPLeaveGroup', 0);

/**
 * Joins an IPv4 or IPv6 multicast group (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP).
 * @param socket - a datagram socket from UDPOpen
 * @param group - the multicast group's address
 * @param networkInterface - a local address (IPv4), or a scope such as '::%lo' (IPv6); omitted: the system's choice
 * @returns 0, or an error code: -10022 not a multicast address or already a member, -10049 no such interface, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function UDPJoinGroup(socket: number, group: string, networkInterface?: string): number {
  return run(JOIN, arguments.length, socket, group, networkInterface);
}

/**
 * Leaves a multicast group joined with UDPJoinGroup.
 * @param socket - the datagram socket that joined
 * @param group - the multicast group's address
 * @param networkInterface - as given to UDPJoinGroup
 * @returns 0, or an error code: -10022 not a member or not a multicast address, -10049 no such interface, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function UDPLeaveGroup(socket: number, group: string, networkInterface?: string): number {
  return run(LEAVE, arguments.length, socket, group, networkInterface);
}
