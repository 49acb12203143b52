/** TCPConnect(hostname, serviceOrPort, secure = false, verify = true). */
import { openChannel } from '../channel/caller.js';
import { OptionId } from '../options.js';
import { ErrorCode } from '../errors.js';
import { ConnectFlag, Op } from '../protocol.js';
import { report } from './report.js';
import { noteSecureError } from './secure-error.js';
import { portArgument } from './services.js';
import { threadState } from './thread-state.js';
import { checkCount, isFlag } from './validate.js';
import { hostArgument } from './host-name.js';

/**
 * Connects to `hostname` (name, IPv4 or IPv6 literal) on a port number or service name.
 * Returns the new socket number, or an error code; bounded by the comms time-out
 * (WebDevSetConfig), name look-up included, or by this thread's 'connecttimeout' (socket
 * 0's options, which also give the new socket its defaults). `secure` makes it a TLS
 * connection, whose server is authenticated unless `verify` is false.
 */
export function TCPConnect(
  hostname: string,
  serviceOrPort: number | string,
  secure: boolean | number = false,
  verify: boolean | number = true,
): number {
  return report('TCPConnect', connect(arguments.length, hostname, serviceOrPort, secure, verify));
}

/** A connect request, checked and ready to post: where, how, and for how long. */
export interface ConnectRequest {
  host: string;
  port: number;
  flags: number;
  timeoutMs: number;
}

/** Checks TCPConnect's arguments and folds in socket 0's options; an error code if bad. */
export function connectRequest(
  count: number,
  hostname: unknown,
  serviceOrPort: unknown,
  secure: unknown,
  verify: unknown,
): ConnectRequest | number {
  const countError = checkCount(count, 2, 4);
  if (countError !== 0) return countError;
  if (typeof hostname !== 'string' || !isFlag(secure) || !isFlag(verify)) return ErrorCode.WrongType;
  const host = hostArgument(hostname);
  if (typeof host === 'number') return host;
  // Port 0 is no destination: WinSock's connect() says WSAEADDRNOTAVAIL.
  const port = portArgument(serviceOrPort, ErrorCode.AddressNotAvailable);
  if (port < 0) return port;
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

function connect(count: number, hostname: unknown, serviceOrPort: unknown, secure: unknown, verify: unknown): number {
  const request = connectRequest(count, hostname, serviceOrPort, secure, verify);
  if (typeof request === 'number') return request;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const length = channel.data.write(request.host, 0, 'utf8');
  const socket = noteSecureError(channel, channel.call(Op.Connect, 0, request.port, request.flags, request.timeoutMs, length));
  if (socket > 0) applyThreadDefaults(socket);
  return socket;
}

/** Socket 0's options that concern a connection, applied to a new one. */
export function applyThreadDefaults(socket: number): void {
  const channel = openChannel();
  if (typeof channel === 'number') return;
  for (const [id, value] of threadState.connectionDefaults) {
    if (id !== OptionId.family && id !== OptionId.connecttimeout) channel.call(Op.SetOption, socket, id, value);
  }
}
