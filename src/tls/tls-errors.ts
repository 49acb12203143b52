/**
 * What a TLS failure means, in words a user can act on. WebDevGetSecureError() returns
 * this text after a -1021; it keeps node's own message and code at the end for searching.
 * A verify failure names the trust store folder it used, as an absolute path: "add the CA
 * to certs/cacerts" left the user to guess whose working directory that was (issue 29).
 */
import { defaultTrustFolder } from './folders.js';

/** Stands for the trust store folder in the meanings below. */
const FOLDER = '{trust store}';
let trustFolderInUse: () => string = defaultTrustFolder;

/** The engine's client TLS context tells which folder it trusts (TCPSetTrustStore may have moved it). */
export function setTrustFolderSource(source: () => string): void {
  trustFolderInUse = source;
}

const meanings: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate does not lead to a trusted CA (add the CA to the trust store folder {trust store})",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate does not lead to a trusted CA (add the CA to the trust store folder {trust store})",
  UNABLE_TO_GET_ISSUER_CERT: "the server's certificate does not lead to a trusted CA (add the CA to the trust store folder {trust store})",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's chain ends in a self-signed CA that is not trusted (add it to the trust store folder {trust store})",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not trusted (add it to the trust store folder {trust store})",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate is not for this host name",
  CERT_SIGNATURE_FAILURE: "the server's certificate has a bad signature",
  CERT_REVOKED: "the server's certificate was revoked",
  ERR_SSL_WRONG_VERSION_NUMBER: 'the peer does not speak TLS',
  ERR_SSL_HTTP_REQUEST: 'the peer sent plain HTTP, not TLS',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'the peer offers only TLS versions older than 1.2',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'the peer refused our TLS version (1.2 or newer)',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the peer refused the handshake (no common cipher or protocol)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "the peer does not trust our certificate's CA",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "the server requires a client certificate (socket 0's 'cert' and 'key', or 'pfx')",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the peer refused our certificate (bad certificate)',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'the peer refused our certificate (certificate unknown)',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'the peer could not verify our certificate (decrypt error)',
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: 'the server accepts none of the ALPN protocols offered',
  ERR_SSL_NO_CIPHERS_AVAILABLE: 'none of the ciphers of the list can be used with this TLS version',
  ECONNRESET: 'the peer reset the connection during the TLS handshake (does it speak TLS?)',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'the TLS handshake did not finish in time',
};

export function describeTlsError(error: unknown): string {
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  const meaning = Object.hasOwn(meanings, code) ? meanings[code] : undefined;
  const told = meaning?.replace(FOLDER, trustFolderInUse());
  return `${told ?? 'TLS error'}: ${message}${code !== '' ? ` [${code}]` : ''}`;
}

/** An error of the TLS layer itself (an alert, a protocol error), not of the TCP connection under it. */
export function isTlsFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}
