/** TCPName2Addr and TCPAddr2Name: name look-ups, bounded by the comms time-out. */
import { isIP } from 'node:net';
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { LookupFlag, Op } from '../protocol.js';
import { hostArgument } from './host-name.js';
import { report } from './report.js';
import { threadState } from './thread-state.js';
import { checkCount, isFlag } from './validate.js';

/** The address of a host name: IPv4, or IPv6 when `ipv6`. Unknown host: -11001. */
export function TCPName2Addr(hostname: string, ipv6: boolean | number = false): string | number {
  return report('TCPName2Addr', name2addr(arguments.length, hostname, ipv6));
}

function name2addr(count: number, hostname: unknown, ipv6: unknown): string | number {
  const countError = checkCount(count, 1, 2);
  if (countError !== 0) return countError;
  if (typeof hostname !== 'string' || !isFlag(ipv6)) return ErrorCode.WrongType;
  const host = hostArgument(hostname);
  if (typeof host === 'number') return host;
  return lookup(Op.Name2Addr, host, ipv6 ? LookupFlag.Ipv6 : 0);
}

/** The host name of an address (reverse look-up through the system resolver). */
export function TCPAddr2Name(address: string): string | number {
  return report('TCPAddr2Name', addr2name(arguments.length, address));
}

function addr2name(count: number, address: unknown): string | number {
  const countError = checkCount(count, 1, 1);
  if (countError !== 0) return countError;
  if (typeof address !== 'string') return ErrorCode.WrongType;
  const bare = hostArgument(address);
  if (typeof bare === 'number') return bare;
  if (isIP(bare) === 0) return ErrorCode.InvalidArgument;
  return lookup(Op.Addr2Name, bare, 0);
}

function lookup(op: number, text: string, flags: number): string | number {
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const length = channel.data.write(text, 0, 'utf8');
  const result = channel.call(op, 0, flags, threadState.commsTimeoutMs, 0, length);
  return result < 0 ? result : channel.replyText();
}
