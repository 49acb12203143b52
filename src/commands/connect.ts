/** TCPConnect(hostname, serviceOrPort, secure = false, verify = true). */
import type { Channel } from '../channel/caller.js';
import { OptionId, optionOfId } from '../option-table.js';
import { ErrorCode } from '../errors.js';
import { ConnectFlag, Op } from '../protocol.js';
import { writeWithClientTls } from './client-tls-options.js';
import { command, run } from './command.js';
import { hostArgument, hostName, urlHostHint } from './host-name.js';
import { noteDetail } from './failure-detail.js';
import { noteSecureError } from './secure-error.js';
import { portArgument, portRule } from './services.js';
import { threadState } from './thread-state.js';
import { flag, text } from './validate.js';
import { isUnixAddress } from '../unix-address.js';

/** A failed connect to 'http://host': say that a URL is no host name (the code is the look-up's, -11001). */
function noteUrlHost(hostname: string): void {
  const hint = urlHostHint(hostname);
  if (hint !== undefined) noteDetail(hint);
}

/** A connect request, checked and ready to post: where, how, and for how long. */
export interface ConnectRequest {
  host: string;
  port: number;
  flags: number;
  timeoutMs: number;
}

/** A host that names a Unix-domain socket ('/run/app.sock', '@app'): it has no port. */
function isUnixHost(hostname: unknown): boolean {
  return typeof hostname === 'string' && isUnixAddress(hostname.trim());
}

// Port 0 is no destination: WinSock's connect() says WSAEADDRNOTAVAIL.
const tcpPort = portRule(ErrorCode.AddressNotAvailable);

/** The port after the host: a TCP port, or for a Unix-domain socket none (omitted or 0; another is a mistake, -10022). */
function portForHost(hostname: unknown, serviceOrPort: unknown): number {
  if (!isUnixHost(hostname)) return tcpPort(serviceOrPort);
  return serviceOrPort === undefined || serviceOrPort === 0 || serviceOrPort === '0' ? 0 : ErrorCode.InvalidArgument;
}

export const CONNECT = command({
  name: 'TCPConnect', min: 2, max: 4,
  rules: [[0, text], [2, flag], [3, flag], [0, hostName]],
  across: portForHost, // last, as the port rule always was
  core: (channel, hostname: string, serviceOrPort: number | string, secure: boolean | number, verify: boolean | number) => {
    const request = connectRequest(hostname, serviceOrPort, secure, verify);
    const length = writeWithClientTls(channel.data, request.host, secureFlag(request));
    if (length < 0) return length;
    const socket = noteSecureError(channel, channel.call(Op.Connect, 0, request.port, request.flags, request.timeoutMs, length));
    if (socket > 0) applyThreadDefaults(channel, socket);
    else noteUrlHost(hostname);
    return socket;
  },
});

/**
 * Connects to `hostname` (name, IPv4 or IPv6 literal) on a port number or service name,
 * or to the Unix-domain socket a host beginning with '/' (a path) or '@' (an abstract
 * name) names, whose port is omitted or 0. Bounded by the comms time-out
 * (WebDevSetConfig), name look-up included, or by this thread's 'connecttimeout' (socket
 * 0's options, which also give the new socket its defaults). `secure` makes it a TLS 1.2+
 * connection, whose server is authenticated against the trust store (certs/cacerts)
 * unless `verify` is false.
 * @param hostname - a host name, an IPv4 or IPv6 literal (`::1` or `[::1]`), a path or '@name'
 * @param serviceOrPort - a port number, a numeric string, or a service name ('http', from /etc/services); omitted or 0 for a Unix-domain socket
 * @param secure - true (or non-zero): TLS (default false)
 * @param verify - with `secure`: check the server's chain and name (default true)
 * @returns the new socket number (>= 1), or an error code: -10061 refused, -11001 unknown host, -11002 a temporary name-resolution failure, -522 timed out, -1021 a TLS error (WebDevGetSecureError() says why), -10060 / -10051 / -10065 timed out or unreachable (reported by the OS), -10049 port 0 or an address not available, -10109 unknown service, -511 an empty host, -10022 a port out of range or a control character in the name, -10024 too many sockets, -501 / -503 wrong arguments
 */
export function TCPConnect(
  hostname: string,
  serviceOrPort?: number | string,
  secure: boolean | number = false,
  verify: boolean | number = true,
): number {
  // TCPConnect('/run/app.sock') counts as having its port; TCPConnect('host') still lacks one (-503).
  const count = arguments.length === 1 && isUnixHost(hostname) ? 2 : arguments.length;
  return run(CONNECT, count, hostname, serviceOrPort, secure, verify);
}

/** TCPConnect's arguments, which passed CONNECT's rules, with socket 0's options folded in. */
export function connectRequest(hostname: string, serviceOrPort: number | string | undefined, secure: boolean | number, verify: boolean | number): ConnectRequest {
  const host = hostArgument(hostname) as string;
  const port = isUnixAddress(host) ? 0 : portArgument(serviceOrPort, ErrorCode.AddressNotAvailable);
  const defaults = threadState.connectionDefaults;
  const family = defaults.get(OptionId.family) ?? 0;
  const flags =
    (secure ? ConnectFlag.Secure : 0) |
    (verify ? ConnectFlag.Verify : 0) |
    (family === 6 ? ConnectFlag.Ipv6 : family === 4 ? ConnectFlag.Ipv4 : 0);
  const connectTimeout = defaults.get(OptionId.connecttimeout) ?? 0;
  const timeoutMs = connectTimeout === 0 ? threadState.commsTimeoutMs : connectTimeout; // INFINITE: no limit
  return { host, port, flags, timeoutMs };
}

/** Whether a request is for a secure connection (then it carries the thread's client TLS settings). */
export function secureFlag(request: ConnectRequest): boolean {
  return (request.flags & ConnectFlag.Secure) !== 0;
}

/** Socket 0's connection options (the table's `connection` rows: not family or connecttimeout), applied to a new connection. */
export function applyThreadDefaults(channel: Channel, socket: number): void {
  for (const [id, value] of threadState.connectionDefaults) {
    if (optionOfId(id)?.connection !== undefined) channel.call(Op.SetOption, socket, id, value);
  }
}
