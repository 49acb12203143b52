/** TCPSocket, TCPBind, TCPListen, TCPAccept: the server path. */
import { openChannel } from '../channel/caller.js';
import { Op } from '../protocol.js';
import { report } from './report.js';
import { noteSecureError } from './secure-error.js';
import { portArgument } from './services.js';
import { threadState } from './thread-state.js';
import { checkCount, checkSocket } from './validate.js';

/** A new unbound socket, to give options (address, backlog) and then TCPBind. */
export function TCPSocket(): number {
  const count = arguments.length;
  return report('TCPSocket', simple(Op.Socket, checkCount(count, 0, 0), 0));
}

/**
 * Binds a socket from TCPSocket to a port number or service name ('echo' is looked up
 * in /etc/services); port 0 lets the OS choose (read it back with TCPGetMyPort). The
 * address is the socket's 'address' option, all interfaces by default.
 */
export function TCPBind(socket: number, serviceOrPort: number | string): number {
  return report('TCPBind', bind(arguments.length, socket, serviceOrPort));
}

function bind(count: number, socket: unknown, serviceOrPort: unknown): number {
  const countError = checkCount(count, 2, 2);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  const port = portArgument(serviceOrPort, 0);
  if (port < 0) return port;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return channel.call(Op.Bind, socket as number, port, threadState.commsTimeoutMs);
}

/** Starts listening on a bound socket (-10022 before TCPBind). */
export function TCPListen(socket: number): number {
  const count = arguments.length;
  return report('TCPListen', onSocket(Op.Listen, count, socket));
}

/**
 * The next connection on a listening socket, as a new socket number. A blocking listener
 * waits; a non-blocking one answers -10035 when none is queued. The new socket inherits
 * the listener's blocking mode. On a TLS listener, a client whose handshake failed is
 * returned as -1021 (WebDevGetSecureError() says why); the next call goes on.
 */
export function TCPAccept(socket: number): number {
  const count = arguments.length;
  return report('TCPAccept', onSocket(Op.Accept, count, socket));
}

function onSocket(op: number, count: number, socket: unknown): number {
  const countError = checkCount(count, 1, 1);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  return simple(op, socketError, socket as number);
}

/** One engine call unless an argument check already failed. */
function simple(op: number, argumentError: number, socket: number): number {
  if (argumentError !== 0) return argumentError;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  return noteSecureError(channel, channel.call(op, socket)); // a TLS client's failed handshake
}

/**
 * TCPAccept with the client's address and port as the engine saw them (for serve()'s
 * loops, which hand them to the handler without asking the engine again).
 */
export function acceptConnection(listener: number): { socket: number; address: string; port: number } | number {
  const socketError = checkSocket(listener);
  if (socketError !== 0) return socketError;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const socket = noteSecureError(channel, channel.call(Op.Accept, listener));
  return socket < 0 ? socket : { socket, address: channel.replyText(), port: channel.replyArg };
}
