/** TCPStartTLS(socket, verify = true, servername?): STARTTLS, either side. */
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { Op, StartTlsFlag } from '../protocol.js';
import { report } from './report.js';
import { noteSecureError } from './secure-error.js';
import { threadState } from './thread-state.js';
import { checkCount, checkSocket, isFlag } from './validate.js';

/** Host names are at most 253 bytes; anything longer cannot be one. */
const MAX_SERVERNAME_BYTES = 255;

/**
 * Upgrades a connected plain socket to TLS, under the same number, once the protocol
 * says so (SMTP's 220 after STARTTLS, FTP's AUTH TLS, POP3's STLS, ...). As the client,
 * the server's chain must lead to the trust store and its certificate must name
 * `servername` (default: the host given to TCPConnect, else the peer's address), unless
 * `verify` is false; as the server when the socket has its own `cert` and `key` options
 * (TCPSetOption on the accepted socket). Returns 0, or -1021 with the reason in
 * WebDevGetSecureError() (the connection is then unusable: close it); -10022 on a socket
 * that is already secure. Bounded by the comms time-out, as TCPConnect. What the peer
 * sent and nobody read before the call is taken as the first bytes of its TLS.
 */
export function TCPStartTLS(socket: number, verify: boolean | number = true, servername?: string): number {
  return report('TCPStartTLS', startTls(arguments.length, socket, verify, servername));
}

function startTls(count: number, socket: unknown, verify: unknown, servername: unknown): number {
  const countError = checkCount(count, 1, 3);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (!isFlag(verify) || (servername !== undefined && typeof servername !== 'string')) return ErrorCode.WrongType;
  const name = (servername ?? '').trim();
  if (Buffer.byteLength(name) > MAX_SERVERNAME_BYTES || /[\u0000-\u001f\u007f]/.test(name)) return ErrorCode.InvalidArgument;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const length = channel.data.write(name, 0, 'utf8');
  const flags = verify ? StartTlsFlag.Verify : 0;
  return noteSecureError(channel, channel.call(Op.StartTls, socket as number, flags, 0, threadState.commsTimeoutMs, length));
}
