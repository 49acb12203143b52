/**
 * TLS over a TCP connection the engine already holds, as TCPConnect with `secure` and
 * TCPStartTLS (client or server side) both do it: one way to open the client side, one way
 * to answer the handshake's end.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ErrorCode } from '../errors.js';
import type { ClientTlsWire } from '../tls/client-identity.js';
import { MIN_TLS_VERSION } from '../tls/folders.js';
import { describeTlsError } from '../tls/tls-errors.js';

/**
 * The client side of TLS over `raw`. It is made over our TCP socket (rather than by
 * tls.connect alone) so that an abort can still reset the TCP connection under it.
 */
export function secureClient(
  raw: net.Socket,
  host: string,
  secureContext: tls.SecureContext,
  verify: boolean,
  settings: ClientTlsWire = {},
): tls.TLSSocket {
  return tls.connect({
    socket: raw,
    host, // what the certificate is checked against (IP literals against IP SANs)
    servername: net.isIP(host) === 0 ? host : undefined, // SNI takes names, not addresses
    secureContext,
    rejectUnauthorized: verify,
    minVersion: MIN_TLS_VERSION, // the context's own (tls-context.ts) decides: node ignores this one then
    ALPNProtocols: settings.alpn,
  });
}

/** A secure request's data area: its host (or server name), then after a NUL the thread's client TLS settings, if any. */
export interface ClientTlsRequest {
  first: string;
  /** The settings' text as it came: the key of their cached context. */
  text: string;
  settings: ClientTlsWire;
}

export function clientTlsRequest(data: string): ClientTlsRequest {
  const nul = data.indexOf('\0');
  if (nul < 0) return { first: data, text: '', settings: {} };
  const text = data.slice(nul + 1);
  return { first: data.slice(0, nul), text, settings: JSON.parse(text) as ClientTlsWire };
}

/**
 * Calls `secured` once the handshake is done (`event`: 'secureConnect' on the client side,
 * 'secure' on the server side), or answers -1021 with the reason and destroys the socket.
 */
export function awaitHandshake(
  socket: tls.TLSSocket,
  event: 'secure' | 'secureConnect',
  replyText: (result: number, text: string) => void,
  secured: () => void,
): void {
  const onTlsError = (error: Error): void => {
    // Answer before destroying: after TCPStartTLS the StreamSocket listens to this socket's end.
    replyText(ErrorCode.TlsError, describeTlsError(error));
    socket.destroy();
  };
  socket.once('error', onTlsError);
  socket.once(event, () => {
    socket.off('error', onTlsError);
    secured();
  });
}
