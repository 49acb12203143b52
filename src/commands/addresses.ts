/** TCPGetMyAddr, TCPGetMyPort, TCPGetRemoteAddr, TCPGetRemotePort. */
import { networkInterfaces } from 'node:os';
import type { Channel } from '../channel/caller.js';
import { AddressFlag, Op } from '../protocol.js';
import { command, localCommand, run } from './command.js';
import { socketCommand } from './socket-call.js';
import { flag, socketNumber } from './validate.js';

/** An address the engine answers as text: the call's error code, or the text. */
function addressReply(channel: Channel, result: number): string | number {
  return result < 0 ? result : channel.replyText();
}

const MY_SOCKET_ADDRESS = command({
  name: 'TCPGetMyAddr', min: 0, max: 2,
  rules: [[1, flag], [0, socketNumber]],
  core: (channel, socket: number, ipv6: boolean | number) =>
    addressReply(channel, channel.call(Op.LocalAddress, socket, ipv6 ? AddressFlag.AsIpv6 : 0)),
});

/** TCPGetMyAddr(0): this machine's address, without the engine. */
const MY_MACHINE_ADDRESS = localCommand({
  name: 'TCPGetMyAddr', min: 0, max: 2,
  rules: [[1, flag]],
  local: (_socket: 0, ipv6: boolean | number): string | number => machineAddress(Boolean(ipv6)),
});

/**
 * The local address of a socket, or with socket 0 this machine's address: its first
 * non-loopback interface of the family (IPv6 when `ipv6`), else the loopback address.
 * With `ipv6` an IPv4 socket's address is given in IPv4-mapped form (::ffff:a.b.c.d).
 * A Unix-domain socket's address is its path (or '@name').
 * @param socket - a socket number, or 0 for this machine (the default)
 * @param ipv6 - true (or non-zero): the IPv6 form (default false)
 * @returns the address as a string, or an error code: -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPGetMyAddr(socket: number = 0, ipv6: boolean | number = false): string | number {
  if (socket === 0) return run(MY_MACHINE_ADDRESS, arguments.length, socket, ipv6);
  return run(MY_SOCKET_ADDRESS, arguments.length, socket, ipv6);
}

function machineAddress(ipv6: boolean): string {
  const family = ipv6 ? 'IPv6' : 'IPv4';
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (!address.internal && address.family === family) return address.address;
    }
  }
  return ipv6 ? '::1' : '127.0.0.1';
}

const MY_PORT = socketCommand('TCPGetMyPort', Op.LocalPort);

/**
 * The local port of a socket (a listener bound to port 0: the port the OS chose).
 * @param socket - a socket number
 * @returns the port (0 on a Unix-domain socket), or an error code: -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPGetMyPort(socket: number): number {
  return run(MY_PORT, arguments.length, socket);
}

const REMOTE_PORT = socketCommand('TCPGetRemotePort', Op.RemotePort);

/**
 * The peer's port of a connected socket (an extension to Omnis). Behind a PROXY-protocol
 * listener, the client's port from the header.
 * @param socket - a connected socket number
 * @returns the port (0 on a Unix-domain socket), or an error code: -10057 not connected (a listener, an unbound socket), -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPGetRemotePort(socket: number): number {
  return run(REMOTE_PORT, arguments.length, socket);
}

const REMOTE_ADDRESS = command({
  name: 'TCPGetRemoteAddr', min: 1, max: 1,
  rules: [[0, socketNumber]],
  core: (channel, socket: number) => addressReply(channel, channel.call(Op.RemoteAddress, socket)),
});

/**
 * The peer's address of a connected socket. An IPv4 client of a dual-stack listener is
 * `127.0.0.1`, not `::ffff:127.0.0.1`. Behind a PROXY-protocol listener, the client's
 * address from the header.
 * @param socket - a connected socket number
 * @returns the address as a string, or an error code: -10057 not connected, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPGetRemoteAddr(socket: number): string | number {
  return run(REMOTE_ADDRESS, arguments.length, socket);
}
