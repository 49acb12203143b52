/** TCPConnect(hostname, serviceOrPort, secure = false, verify = true). */
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { ConnectFlag, Op } from '../protocol.js';
import { report } from './report.js';
import { noteSecureError } from './secure-error.js';
import { portArgument } from './services.js';
import { threadState } from './thread-state.js';
import { checkCount, isFlag } from './validate.js';

/** Longer than any DNS name (253) or address literal; a longer "host" is not one. */
const MAX_HOST_BYTES = 1024;

/** '[::1]' is how URLs write an IPv6 literal; node:net wants it bare. */
export function bareHost(host: string): string {
  const trimmed = host.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}

/**
 * Connects to `hostname` (name, IPv4 or IPv6 literal) on a port number or service name.
 * Returns the new socket number, or an error code; bounded by the comms time-out
 * (WebDevSetConfig), name look-up included. `secure` makes it a TLS connection, whose
 * server is authenticated unless `verify` is false.
 */
export function TCPConnect(
  hostname: string,
  serviceOrPort: number | string,
  secure: boolean | number = false,
  verify: boolean | number = true,
): number {
  return report('TCPConnect', connect(arguments.length, hostname, serviceOrPort, secure, verify));
}

function connect(count: number, hostname: unknown, serviceOrPort: unknown, secure: unknown, verify: unknown): number {
  const countError = checkCount(count, 2, 4);
  if (countError !== 0) return countError;
  if (typeof hostname !== 'string' || !isFlag(secure) || !isFlag(verify)) return ErrorCode.WrongType;
  const host = bareHost(hostname);
  if (host === '') return ErrorCode.NoAddress;
  if (Buffer.byteLength(host) > MAX_HOST_BYTES) return ErrorCode.HostNotFound;
  // Port 0 is no destination: WinSock's connect() says WSAEADDRNOTAVAIL.
  const port = portArgument(serviceOrPort, ErrorCode.AddressNotAvailable);
  if (port < 0) return port;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const length = channel.data.write(host, 0, 'utf8');
  const flags = (secure ? ConnectFlag.Secure : 0) | (verify ? ConnectFlag.Verify : 0);
  return noteSecureError(channel, channel.call(Op.Connect, 0, port, flags, threadState.commsTimeoutMs, 0, length));
}
