/** TCPStartTLS(socket, verify = true, servername?): STARTTLS, either side. */
import { ErrorCode } from '../errors.js';
import { Op, StartTlsFlag } from '../protocol.js';
import { writeWithClientTls } from './client-tls-options.js';
import { command, run } from './command.js';
import { noteSecureError } from './secure-error.js';
import { threadState } from './thread-state.js';
import { flag, optionalText, socketNumber } from './validate.js';

/** Host names are at most 253 bytes; anything longer cannot be one. */
const MAX_SERVERNAME_BYTES = 255;

/** A server name to verify: short enough, no control characters (spaces around it are dropped). */
function serverName(servername: unknown): number {
  const name = ((servername as string | undefined) ?? '').trim();
  return Buffer.byteLength(name) > MAX_SERVERNAME_BYTES || /[\u0000-\u001f\u007f]/.test(name) ? ErrorCode.InvalidArgument : 0;
}

const START_TLS = command({
  name: 'TCPStartTLS', min: 1, max: 3,
  rules: [[0, socketNumber], [1, flag], [2, optionalText], [2, serverName]],
  core: (channel, socket: number, verify: boolean | number, servername: string | undefined) => {
    // The thread's client certificate and policy go too: they apply when this side is the client.
    const length = writeWithClientTls(channel.data, (servername ?? '').trim(), true);
    if (length < 0) return length;
    const flags = verify ? StartTlsFlag.Verify : 0;
    return noteSecureError(channel, channel.call(Op.StartTls, socket, flags, 0, threadState.commsTimeoutMs, length));
  },
});

/**
 * Upgrades a connected plain socket to TLS, under the same number, once the protocol
 * says so (SMTP's 220 after STARTTLS, FTP's AUTH TLS, POP3's STLS, ...). As the client,
 * the server's chain must lead to the trust store and its certificate must name
 * `servername`, unless `verify` is false; as the server when the socket has its own
 * `cert` and `key` options (TCPSetOption on the accepted socket). Bounded by the comms
 * time-out, as TCPConnect. What the peer sent and nobody read before the call is taken as
 * the first bytes of its TLS: read every plain-text byte of the protocol first.
 * @param socket - a connected plain socket
 * @param verify - as the client: check the server's chain and name (default true)
 * @param servername - the name the server's certificate must hold (default: the host given to TCPConnect, else the peer's address)
 * @returns 0, or an error code: -1021 the handshake failed (WebDevGetSecureError() says why; the connection is then unusable: close it), -522 the comms time-out, -10022 a socket already secure, -10057 not connected, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPStartTLS(socket: number, verify: boolean | number = true, servername?: string): number {
  return run(START_TLS, arguments.length, socket, verify, servername);
}
