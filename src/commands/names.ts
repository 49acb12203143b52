/** TCPName2Addr and TCPAddr2Name: name look-ups, bounded by the comms time-out. */
import { isIP } from 'node:net';
import type { Channel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { LookupFlag, Op } from '../protocol.js';
import { command, run } from './command.js';
import { hostArgument, hostName, urlHostHint } from './host-name.js';
import { noteDetail } from './failure-detail.js';
import { threadState } from './thread-state.js';
import { flag, text } from './validate.js';

function lookup(channel: Channel, op: number, host: string, flags: number): string | number {
  const length = channel.data.write(hostArgument(host) as string, 0, 'utf8');
  const result = channel.call(op, 0, flags, threadState.commsTimeoutMs, 0, length);
  return result < 0 ? result : channel.replyText();
}

/** An address literal, for a reverse look-up (a name is -10022). */
function ipAddress(address: unknown): number {
  return isIP(hostArgument(address as string) as string) === 0 ? ErrorCode.InvalidArgument : 0;
}

const NAME_TO_ADDRESS = command({
  name: 'TCPName2Addr', min: 1, max: 2,
  rules: [[0, text], [1, flag], [0, hostName]],
  core: (channel, hostname: string, ipv6: boolean | number) => {
    const result = lookup(channel, Op.Name2Addr, hostname, ipv6 ? LookupFlag.Ipv6 : 0);
    const hint = typeof result === 'number' ? urlHostHint(hostname) : undefined; // 'http://host' is no name to look up
    if (hint !== undefined) noteDetail(hint);
    return result;
  },
});

/**
 * The address of a host name, bounded by the comms time-out.
 * @param hostname - a host name (or an address, returned as it is)
 * @param ipv6 - true (or non-zero): an IPv6 address (default false: IPv4)
 * @returns the address as a string, or an error code: -11001 unknown host, -11002 a temporary failure, -522 the comms time-out, -511 an empty name, -10022 a control character in the name, -501 not a string
 */
export function TCPName2Addr(hostname: string, ipv6: boolean | number = false): string | number {
  return run(NAME_TO_ADDRESS, arguments.length, hostname, ipv6);
}

const ADDRESS_TO_NAME = command({
  name: 'TCPAddr2Name', min: 1, max: 1,
  rules: [[0, hostName], [0, ipAddress]],
  core: (channel, address: string) => lookup(channel, Op.Addr2Name, address, 0),
});

/**
 * The host name of an address (a reverse look-up through the system resolver, /etc/hosts
 * included), bounded by the comms time-out.
 * @param address - an IPv4 or IPv6 address
 * @returns the host name, or an error code: -11001 no name, -522 the comms time-out, -511 an empty address, -10022 not an address, -501 not a string
 */
export function TCPAddr2Name(address: string): string | number {
  return run(ADDRESS_TO_NAME, arguments.length, address);
}
