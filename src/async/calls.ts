/**
 * The awaited forms of the commands that wait on the network, for async code on the
 * same engine and socket numbers: they resolve to exactly what the blocking command
 * returns, and leave the thread's event loop free meanwhile.
 */
import { withAsyncChannel } from '../channel/async-caller.js';
import { ErrorCode } from '../errors.js';
import { Op, SendFlag } from '../protocol.js';
import { checkSocket } from '../commands/validate.js';
import { noteSecureError } from '../commands/secure-error.js';
import { sendPayload } from '../commands/payload.js';
import { applyThreadDefaults, connectRequest } from '../commands/connect.js';
import { postReceiveUntil } from '../commands/receive-until.js';

const code = (error: number): number => error;

/** TCPConnect, awaited: the same arguments, checks and results. */
export function connectAsync(
  hostname: string,
  serviceOrPort: number | string,
  secure: boolean | number = false,
  verify: boolean | number = true,
): Promise<number> {
  const request = connectRequest(Math.max(2, arguments.length), hostname, serviceOrPort, secure, verify);
  if (typeof request === 'number') return Promise.resolve(request);
  return withAsyncChannel(async (channel) => {
    const length = channel.data.write(request.host, 0, 'utf8');
    const socket = noteSecureError(channel, await channel.callAsync(Op.Connect, 0, request.port, request.flags, request.timeoutMs, length));
    if (socket > 0) applyThreadDefaults(socket);
    return socket;
  }, code);
}

/** TCPAccept, awaited. */
export async function acceptAsync(listener: number): Promise<number> {
  const accepted = await acceptWithPeer(listener);
  return typeof accepted === 'number' ? accepted : accepted.socket;
}

/** TCPAccept, awaited, with the client's address and port as the engine saw them. */
export function acceptWithPeer(listener: number): Promise<{ socket: number; address: string; port: number } | number> {
  const socketError = checkSocket(listener);
  if (socketError !== 0) return Promise.resolve(socketError);
  return withAsyncChannel<{ socket: number; address: string; port: number } | number>(async (channel) => {
    const socket = noteSecureError(channel, await channel.callAsync(Op.Accept, listener));
    return socket < 0 ? socket : { socket, address: channel.replyText(), port: channel.replyArg };
  }, code);
}

/** TCPReceive, awaited: the bytes received (a new array, empty at end of stream), or an error code. */
export function receiveAsync(socket: number, maxbytes = 65536): Promise<Uint8Array | number> {
  const socketError = checkSocket(socket);
  if (socketError !== 0) return Promise.resolve(socketError);
  if (!Number.isInteger(maxbytes) || maxbytes < 1) return Promise.resolve(ErrorCode.InvalidArgument);
  return withAsyncChannel<Uint8Array | number>(async (channel) => {
    const result = await channel.callAsync(Op.Receive, socket, Math.min(maxbytes, channel.data.length));
    return result < 0 ? result : new Uint8Array(channel.data.subarray(0, result));
  }, code);
}

/**
 * TCPReceiveUntil, awaited: the bytes up to and including the delimiter (a new array;
 * without it at the end of the stream or at `maxbytes`; empty at the end), or an error code.
 */
export function receiveUntilAsync(socket: number, delimiter: string | Uint8Array = '\n', maxbytes = 65536): Promise<Uint8Array | number> {
  const socketError = checkSocket(socket);
  if (socketError !== 0) return Promise.resolve(socketError);
  if (!Number.isInteger(maxbytes) || maxbytes < 1) return Promise.resolve(ErrorCode.InvalidArgument);
  return withAsyncChannel<Uint8Array | number>(async (channel) => {
    const limit = Math.min(maxbytes, channel.data.length);
    const result = await postReceiveUntil(channel, socket, delimiter, limit, 0, channel.callAsync.bind(channel));
    return result < 0 ? result : new Uint8Array(channel.data.subarray(0, result));
  }, code);
}

/** TCPSend, awaited: bytes sent or an error code. Parts hold the send lock as TCPSend's do. */
export function sendAsync(socket: number, buffer: Uint8Array): Promise<number> {
  const socketError = checkSocket(socket);
  if (socketError !== 0) return Promise.resolve(socketError);
  // A Uint8Array (or any view); one over a detached buffer is -10022, as for TCPSend.
  const bytes = ArrayBuffer.isView(buffer) ? sendPayload(buffer) : ErrorCode.WrongType;
  if (typeof bytes !== 'object') return Promise.resolve(typeof bytes === 'number' ? bytes : ErrorCode.WrongType);
  return withAsyncChannel(async (channel) => {
    let sent = 0;
    do {
      const part = Math.min(bytes.length - sent, channel.data.length);
      channel.data.set(bytes.subarray(sent, sent + part));
      const last = sent + part === bytes.length;
      const result = await channel.callAsync(Op.Send, socket, last ? 0 : SendFlag.More, 0, 0, part);
      if (result < 0) return sent > 0 && result === ErrorCode.WouldBlock ? sent : result;
      sent += result;
      if (result < part) return sent;
    } while (sent < bytes.length);
    return sent;
  }, code);
}
