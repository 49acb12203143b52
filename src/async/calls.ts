/**
 * The awaited forms of the commands that wait on the network, for async code on the
 * same engine and socket numbers: they resolve to exactly what the blocking command
 * returns, and leave the thread's event loop free meanwhile. Their arguments pass the
 * blocking commands' rules (commands/command.ts), so both answer bad input alike.
 */
import type { Channel } from '../channel/caller.js';
import { withAsyncChannel } from '../channel/async-caller.js';
import { ErrorCode } from '../errors.js';
import { Op } from '../protocol.js';
import { checkArguments, type Signature } from '../commands/command.js';
import { writeWithClientTls } from '../commands/client-tls-options.js';
import { applyThreadDefaults, CONNECT, connectRequest, secureFlag } from '../commands/connect.js';
import { datagramReply, type DatagramSender, LARGEST_DATAGRAM, SEND_TO, sendDatagram } from '../commands/datagram.js';
import { hostArgument } from '../commands/host-name.js';
import { sendPayload } from '../commands/payload.js';
import { postReceiveUntil } from '../commands/receive-until.js';
import { receiveLineDirectly } from '../commands/direct-transfer.js';
import { noteSecureError } from '../commands/secure-error.js';
import { addPart, partFlags } from '../commands/send-bytes.js';
import { type AcceptedClient } from '../commands/server.js';
import { portArgument } from '../commands/services.js';
import { maxbytes, socketNumber } from '../commands/validate.js';

const code = (error: number): number => error;

/**
 * TCPConnect, awaited: the same arguments, checks and results, the thread's event loop
 * free meanwhile (and the process kept alive while it is in flight).
 * @param hostname - as TCPConnect's: a host name, an IP literal, a path or '@name'
 * @param serviceOrPort - a port number, a numeric string or a service name
 * @param secure - true (or non-zero): TLS (default false)
 * @param verify - with `secure`: check the server's chain and name (default true)
 * @returns a promise of the new socket number, or of an error code as TCPConnect's (-10061, -11001, -522, -1021, ...)
 */
export function connectAsync(
  hostname: string,
  serviceOrPort?: number | string,
  secure: boolean | number = false,
  verify: boolean | number = true,
): Promise<number> {
  // Fewer than two arguments are not counted (-503) but checked (-501), as they always were.
  const error = checkArguments(CONNECT, Math.max(2, arguments.length), hostname, serviceOrPort, secure, verify);
  if (error !== 0) return Promise.resolve(error);
  const request = connectRequest(hostname, serviceOrPort, secure, verify);
  return withAsyncChannel(async (channel) => {
    const length = writeWithClientTls(channel.data, request.host, secureFlag(request));
    if (length < 0) return length;
    const socket = noteSecureError(channel, await channel.callAsync(Op.Connect, 0, request.port, request.flags, request.timeoutMs, length));
    if (socket > 0) applyThreadDefaults(channel, socket);
    return socket;
  }, code);
}

/** The rules of the awaited calls' (socket, ...) arguments; counts are not checked (defaults fill them). */
function socketRules(name: string, maxbytesAt?: 1 | 2): Signature<unknown, unknown, unknown, unknown> {
  return { name, min: 0, max: 4, rules: maxbytesAt === undefined ? [[0, socketNumber]] : [[0, socketNumber], [maxbytesAt, maxbytes]] };
}

const ACCEPT_ASYNC = socketRules('acceptAsync');
const RECEIVE_ASYNC = socketRules('receiveAsync', 1);
const RECEIVE_UNTIL_ASYNC = socketRules('receiveUntilAsync', 2);
const SEND_ASYNC = socketRules('sendAsync');
const RECEIVE_FROM_ASYNC = socketRules('receiveFromAsync', 1);

/**
 * TCPAccept, awaited.
 * @param listener - a listening socket
 * @returns a promise of the new connected socket number, or of an error code as TCPAccept's (-522, -1021, -10053, -10022, -509, ...)
 */
export async function acceptAsync(listener: number): Promise<number> {
  const accepted = await acceptWithPeer(listener);
  return typeof accepted === 'number' ? accepted : accepted.socket;
}

/** TCPAccept, awaited, with the client's address and port as the engine saw them. */
export function acceptWithPeer(listener: number): Promise<AcceptedClient | number> {
  const error = checkArguments(ACCEPT_ASYNC, 1, listener);
  if (error !== 0) return Promise.resolve(error);
  return withAsyncChannel<AcceptedClient | number>(async (channel) => {
    const socket = noteSecureError(channel, await channel.callAsync(Op.Accept, listener));
    return socket < 0 ? socket : { socket, address: channel.replyText(), port: channel.replyArg };
  }, code);
}

/** The bytes of a receive's reply, as a new array (the slot is reused), or its error code. */
function replyBytes(channel: Channel, result: number): Uint8Array | number {
  return result < 0 ? result : new Uint8Array(channel.data.subarray(0, result));
}

/**
 * TCPReceive, awaited: the bytes received as a new array.
 * @param socket - a connected socket number
 * @param maxbytes - the most bytes to take, at most 64 KiB (default 65536); not a number -501, not a whole number >= 1 -10022
 * @returns a promise of the bytes (empty at the end of the stream), or of an error code as TCPReceive's (-522, -10054, -10053, -10057, -509, ...)
 */
export function receiveAsync(socket: number, maxbytes = 65536): Promise<Uint8Array | number> {
  const error = checkArguments(RECEIVE_ASYNC, 2, socket, maxbytes);
  if (error !== 0) return Promise.resolve(error);
  return withAsyncChannel<Uint8Array | number>(async (channel) => {
    return replyBytes(channel, await channel.callAsync(Op.Receive, socket, Math.min(maxbytes, channel.data.length)));
  }, code);
}

/**
 * TCPReceiveUntil, awaited: the bytes up to and including the delimiter, as a new array.
 * @param socket - a connected socket number
 * @param delimiter - a string or bytes, 1 to 64 bytes (default '\n')
 * @param maxbytes - the longest line to take, at most 64 KiB (default 65536)
 * @returns a promise of the bytes (without a delimiter at the end of the stream or at `maxbytes`; empty at the end), or of an error code as TCPReceiveUntil's (-522, -10054, -10022, -509, ...)
 */
export function receiveUntilAsync(socket: number, delimiter: string | Uint8Array = '\n', maxbytes = 65536): Promise<Uint8Array | number> {
  const error = checkArguments(RECEIVE_UNTIL_ASYNC, 3, socket, delimiter, maxbytes);
  if (error !== 0) return Promise.resolve(error);
  return withAsyncChannel<Uint8Array | number>(async (channel) => {
    const limit = Math.min(maxbytes, channel.data.length);
    // A line already there (or readable now) is found on this thread; otherwise the engine waits for it.
    const direct = receiveLineDirectly(channel, socket, undefined, undefined, delimiter, limit, false);
    if (direct !== undefined) return replyBytes(channel, direct);
    return replyBytes(channel, await postReceiveUntil(channel, socket, delimiter, limit, 0, channel.callAsync.bind(channel)));
  }, code);
}

/**
 * TCPSend, awaited. A large send goes in parts that hold the socket's send lock, as
 * TCPSend's do, so it stays one atomic send.
 * @param socket - a connected socket number
 * @param buffer - the bytes to send
 * @returns a promise of the count of bytes sent, or of an error code as TCPSend's (-522, -10054, -10058, -10022 a detached buffer, -509, ...)
 */
export function sendAsync(socket: number, buffer: Uint8Array): Promise<number> {
  const error = checkArguments(SEND_ASYNC, 2, socket, buffer);
  if (error !== 0) return Promise.resolve(error);
  // A Uint8Array (or any view); one over a detached buffer is -10022, as for TCPSend.
  const bytes = ArrayBuffer.isView(buffer) ? sendPayload(buffer) : ErrorCode.WrongType;
  if (typeof bytes !== 'object') return Promise.resolve(typeof bytes === 'number' ? bytes : ErrorCode.WrongType);
  return withAsyncChannel(async (channel) => {
    let sent = 0;
    do {
      const part = Math.min(bytes.length - sent, channel.data.length);
      channel.data.set(bytes.subarray(sent, sent + part));
      const result = await channel.callAsync(Op.Send, socket, partFlags(false, sent + part, bytes.length), 0, 0, part);
      if (result < part) return addPart(sent, result);
      sent += result;
    } while (sent < bytes.length);
    return sent;
  }, code);
}

/** One datagram as receiveFromAsync gives it: its bytes and who sent it. */
export interface ReceivedDatagram extends DatagramSender {
  /** A new array; shorter than `size` when the datagram was cut (UDPReceiveFrom's -10040). */
  data: Uint8Array;
}

/**
 * UDPReceiveFrom, awaited: the next datagram with its sender. At most `maxbytes` bytes
 * are kept, and at most what an async slot holds (64 KiB less the sender's address): the
 * rest of a longer datagram is discarded, and `size` says so, where UDPReceiveFrom
 * answers -10040.
 * @param socket - a datagram socket
 * @param maxbytes - the most bytes to keep (default: the largest datagram)
 * @returns a promise of `{ data, address, port, size }`, or of an error code: -522 the socket's time-out, -10035 non-blocking and none there, -10053 closed meanwhile, -509 ...
 */
export function receiveFromAsync(socket: number, maxbytes: number = LARGEST_DATAGRAM): Promise<ReceivedDatagram | number> {
  const error = checkArguments(RECEIVE_FROM_ASYNC, 2, socket, maxbytes);
  if (error !== 0) return Promise.resolve(error);
  return withAsyncChannel<ReceivedDatagram | number>(async (channel) => {
    const result = await channel.callAsync(Op.UdpReceiveFrom, socket, Math.min(maxbytes, LARGEST_DATAGRAM));
    if (result < 0 && result !== ErrorCode.MessageTooLong) return result;
    const { bytes, sender } = datagramReply(channel);
    return { data: new Uint8Array(bytes), ...sender };
  }, code);
}

/**
 * UDPSendTo, awaited: one datagram to `host` and port. A datagram an async slot cannot
 * hold with the host's name (64 KiB in all) is -10040, nothing sent.
 * @param socket - a datagram socket
 * @param host - the destination's name or address
 * @param serviceOrPort - its port number or UDP service name
 * @param buffer - a string (in the socket's `encoding`) or bytes
 * @returns a promise of the datagram's length, or of an error code as UDPSendTo's (-10040, -10013, -10056, -11001, -509, ...)
 */
export function sendToAsync(socket: number, host: string, serviceOrPort: number | string, buffer: string | Uint8Array): Promise<number> {
  const error = checkArguments(SEND_TO, 4, socket, host, serviceOrPort, buffer);
  if (error !== 0) return Promise.resolve(error);
  const payload = sendPayload(buffer);
  if (typeof payload === 'number') return Promise.resolve(payload);
  return withAsyncChannel(async (channel) => {
    const target = hostArgument(host) as string;
    return await sendDatagram(channel, socket, target, portArgument(serviceOrPort, 0, 'udp'), payload as string | Uint8Array, channel.callAsync.bind(channel));
  }, code);
}
