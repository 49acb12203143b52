/** TCPSocket, TCPBind, TCPListen, TCPAccept: the server path. */
import { Op } from '../protocol.js';
import { command, execute, run } from './command.js';
import { noteSecureError } from './secure-error.js';
import { portArgument, portRule } from './services.js';
import { socketCommand } from './socket-call.js';
import { threadState } from './thread-state.js';
import { socketNumber } from './validate.js';

const SOCKET = command({
  name: 'TCPSocket', min: 0, max: 0,
  rules: [],
  core: (channel) => channel.call(Op.Socket, 0),
});

/** A new unbound socket, to give options (address, backlog) and then TCPBind. */
export function TCPSocket(): number {
  return run(SOCKET, arguments.length);
}

const BIND = command({
  name: 'TCPBind', min: 2, max: 2,
  rules: [[0, socketNumber], [1, portRule(0)]], // port 0: the OS chooses
  core: (channel, socket: number, serviceOrPort: number | string) =>
    channel.call(Op.Bind, socket, portArgument(serviceOrPort, 0), threadState.commsTimeoutMs),
});

/**
 * Binds a socket from TCPSocket to a port number or service name ('echo' is looked up
 * in /etc/services); port 0 lets the OS choose (read it back with TCPGetMyPort). The
 * address is the socket's 'address' option, all interfaces by default.
 */
export function TCPBind(socket: number, serviceOrPort: number | string): number {
  return run(BIND, arguments.length, socket, serviceOrPort);
}

const LISTEN = socketCommand('TCPListen', Op.Listen);
const ACCEPT = socketCommand('TCPAccept', Op.Accept);

/** Starts listening on a bound socket (-10022 before TCPBind). */
export function TCPListen(socket: number): number {
  return run(LISTEN, arguments.length, socket);
}

/**
 * The next connection on a listening socket, as a new socket number. A blocking listener
 * waits; a non-blocking one answers -10035 when none is queued. The new socket inherits
 * the listener's blocking mode. On a TLS listener, a client whose handshake failed is
 * returned as -1021 (WebDevGetSecureError() says why); the next call goes on.
 */
export function TCPAccept(socket: number): number {
  return run(ACCEPT, arguments.length, socket);
}

/** An accepted client: its socket, and its address and port as the engine saw them. */
export interface AcceptedClient {
  socket: number;
  address: string;
  port: number;
}

/** TCPAccept answering the client's address and port too (for serve()'s loops and the awaited acceptAsync). */
export const ACCEPT_WITH_PEER = command({
  name: 'TCPAccept', min: 1, max: 1,
  rules: [[0, socketNumber]],
  core: (channel, listener: number): AcceptedClient | number => {
    const socket = noteSecureError(channel, channel.call(Op.Accept, listener));
    return socket < 0 ? socket : { socket, address: channel.replyText(), port: channel.replyArg };
  },
});

/**
 * TCPAccept with the client's address and port as the engine saw them (for serve()'s
 * loops, which hand them to the handler without asking the engine again). Not reported:
 * the loop decides what a failure means.
 */
export function acceptConnection(listener: number): AcceptedClient | number {
  return execute(ACCEPT_WITH_PEER, 1, listener);
}
