/**
 * serve({ udp: true }): the datagram socket every loop receives on (datagram-loop.ts), and
 * the options that mean nothing for datagrams, refused rather than silently ignored.
 */
import { TCPClose } from '../commands/close.js';
import { UDPOpen } from '../commands/datagram.js';
import { TCPSetOption } from '../commands/socket-options.js';
import { TCPErrorText } from '../errors.js';
import type { ServeOptions } from '../serve-types.js';

/**
 * Why these options cannot go with `udp`, or undefined. `processes`: each process would
 * need its own socket on the port (SO_REUSEPORT, which node's dgram does not offer), and
 * the supervisor's draining and reloading speak of connections; one process with more
 * `threads` serves datagrams instead. TLS and PROXY headers are stream protocols.
 */
export function udpOptionsError(options: ServeOptions): string | undefined {
  const refused = (['processes', 'cert', 'key', 'proxy', 'listenFd', 'heldFd'] as const).filter((name) => options[name] !== undefined);
  if (refused.length === 0) return undefined;
  return `serve: udp cannot be used with ${refused.join(', ')} (one process serves datagrams on its threads; no TLS or PROXY header for datagrams)`;
}

/** The server's datagram socket, or an Error saying why not. */
export function openDatagramSocket(options: ServeOptions): number | Error {
  const socket = UDPOpen(options.address ?? '', options.port ?? 0);
  const where = `${options.address ?? '*'}:${String(options.port ?? 0)}`;
  if (socket < 0) return new Error(`serve: cannot receive datagrams on ${where}: ${TCPErrorText(socket)} (${socket})`);
  // The loops wait for datagrams as long as the server runs (not socket 0's `timeout`,
  // which UDPOpen gave it: each expiry would only wake every loop to wait again).
  const result = TCPSetOption(socket, 'timeout', 'infinite');
  if (result < 0) {
    TCPClose(socket);
    return new Error(`serve: option timeout: ${TCPErrorText(result)}`);
  }
  return socket;
}
