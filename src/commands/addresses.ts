/** TCPGetMyAddr, TCPGetMyPort, TCPGetRemoteAddr, TCPGetRemotePort. */
import { networkInterfaces } from 'node:os';
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { AddressFlag, Op } from '../protocol.js';
import { report } from './report.js';
import { callOnSocket } from './socket-call.js';
import { checkCount, checkSocket, isFlag } from './validate.js';

/**
 * The local address of a socket, or with socket 0 this machine's address: its first
 * non-loopback interface of the family (IPv6 when `ipv6`), else the loopback address.
 * With `ipv6` an IPv4 socket's address is given in IPv4-mapped form (::ffff:a.b.c.d).
 */
export function TCPGetMyAddr(socket: number = 0, ipv6: boolean | number = false): string | number {
  return report('TCPGetMyAddr', myAddress(arguments.length, socket, ipv6));
}

function myAddress(count: number, socket: unknown, ipv6: unknown): string | number {
  const countError = checkCount(count, 0, 2);
  if (countError !== 0) return countError;
  if (!isFlag(ipv6)) return ErrorCode.WrongType;
  if (socket === 0) return machineAddress(Boolean(ipv6));
  return addressOf(Op.LocalAddress, socket, ipv6 ? AddressFlag.AsIpv6 : 0);
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

function addressOf(op: number, socket: unknown, flags: number): string | number {
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const result = channel.call(op, socket as number, flags);
  return result < 0 ? result : channel.replyText();
}


export function TCPGetMyPort(socket: number): number {
  return report('TCPGetMyPort', callOnSocket(Op.LocalPort, arguments.length, socket));
}

export function TCPGetRemotePort(socket: number): number {
  return report('TCPGetRemotePort', callOnSocket(Op.RemotePort, arguments.length, socket));
}

/** The peer's address of a connected socket. */
export function TCPGetRemoteAddr(socket: number): string | number {
  const count = arguments.length;
  const countError = checkCount(count, 1, 1);
  return report('TCPGetRemoteAddr', countError !== 0 ? countError : addressOf(Op.RemoteAddress, socket, 0));
}
