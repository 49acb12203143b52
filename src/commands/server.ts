/** TCPSocket, TCPBind, TCPListen, TCPAccept: the server path. */
import { Op } from '../protocol.js';
import { command, execute, run } from './command.js';
import { noteSecureError } from './secure-error.js';
import { portArgument, portRule } from './services.js';
import { socketCommand } from './socket-call.js';
import { threadState } from './thread-state.js';
import { socketNumber, socketOrZero } from './validate.js';
import { forgetSocket } from './socket-kind.js';

const SOCKET = command({
  name: 'TCPSocket', min: 0, max: 0,
  rules: [],
  core: (channel) => channel.call(Op.Socket, 0),
});

/**
 * A new unbound socket (the server path), to give options (address, backlog, cert/key,
 * ...) and then TCPBind.
 * @returns the new socket number, or an error code: -503 called with arguments, -10024 too many sockets
 */
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
 * in /etc/services, or the file TCP_COMMANDS_SERVICES names); port 0 lets the OS choose
 * (read it back with TCPGetMyPort). The address is the socket's 'address' option, all
 * interfaces (dual-stack ::) by default; a path or '@name' binds a Unix-domain socket.
 * node cannot bind without listening, so the kernel queues connections from here on.
 * @param socket - a socket from TCPSocket
 * @param serviceOrPort - a port number 0..65535, a numeric string, or a service name
 * @returns 0, or an error code: -10048 address in use, -10049 address not available, -10013 permission denied (a port below 1024), -10109 unknown service, -10022 already bound or a port out of range, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPBind(socket: number, serviceOrPort: number | string): number {
  return run(BIND, arguments.length, socket, serviceOrPort);
}

const LISTEN = socketCommand('TCPListen', Op.Listen);
const ACCEPT = socketCommand('TCPAccept', Op.Accept);

/**
 * Starts handing out the connections of a bound socket to TCPAccept.
 * @param socket - a socket bound with TCPBind
 * @returns 0, or an error code: -10022 before TCPBind, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPListen(socket: number): number {
  return run(LISTEN, arguments.length, socket);
}

/**
 * The next connection on a listening socket, as a new socket number. A blocking listener
 * waits, bounded by its 'timeout' option; a non-blocking one answers -10035 when none is
 * queued. The new socket inherits the listener's blocking mode and connection options. On
 * a TLS listener, a client whose handshake failed is returned as -1021
 * (WebDevGetSecureError() says why); the next call goes on.
 * @param socket - a listening socket
 * @returns the new connected socket number, or an error code: -10035 none queued (non-blocking), -522 the listener's `timeout` passed, -1021 a TLS client refused, -10053 the listener was closed meanwhile, -10022 not listening, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
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
  name: 'TCPAccept', min: 1, max: 2,
  rules: [[0, socketNumber], [1, socketOrZero]],
  core: (channel, listener: number, closeFirst: number = 0): AcceptedClient | number => {
    const socket = noteSecureError(channel, channel.call(Op.Accept, listener, closeFirst));
    return socket < 0 ? socket : { socket, address: channel.replyText(), port: channel.replyArg };
  },
});

/**
 * TCPAccept with the client's address and port as the engine saw them (for serve()'s
 * loops, which hand them to the handler without asking the engine again). Not reported:
 * the loop decides what a failure means. `closeFirst`: a connection the engine closes
 * (complete, as TCPClose) before it takes the next, in the same call: the loop's finished one.
 */
export function acceptConnection(listener: number, closeFirst = 0): AcceptedClient | number {
  if (closeFirst !== 0) forgetSocket(closeFirst);
  return execute(ACCEPT_WITH_PEER, 2, listener, closeFirst);
}
