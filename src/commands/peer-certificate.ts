/** TCPGetPeerCertificate(socket, holder): the certificate a TLS connection's peer sent. */
import { ErrorCode } from '../errors.js';
import { Op } from '../protocol.js';
import type { PeerCertificate } from '../tls/peer-certificate.js';
import { command, run } from './command.js';
import { noteSecureError } from './secure-error.js';
import { socketNumber, type Rule } from './validate.js';

/** Any object whose `value` can be given the certificate (a holder of any value, or none yet). */
const objectHolder: Rule = (value) => (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) ? 0 : ErrorCode.WrongType);

const GET_PEER_CERTIFICATE = command({
  name: 'TCPGetPeerCertificate', min: 2, max: 2,
  rules: [[0, socketNumber], [1, objectHolder]],
  core: (channel, socket: number, holder: { value?: unknown }) => {
    const result = noteSecureError(channel, channel.call(Op.PeerCertificate, socket));
    if (result < 0) return result;
    try {
      holder.value = JSON.parse(channel.replyText()) as PeerCertificate;
      return 0;
    } catch {
      return ErrorCode.InvalidArgument; // a frozen holder, a setter that refuses
    }
  },
});

/**
 * Gives `holder.value` the certificate of a TLS connection's peer (the server's after a
 * secure TCPConnect or TCPStartTLS, a client's on an accepted socket of a listener that
 * asked for one), kept from the handshake, so it can be read after the peer closed.
 * @param socket - a TLS connection
 * @param holder - an object whose `value` becomes `{ subject, issuer, subjectAltNames, serialNumber, validFrom, validTo, fingerprint256, pem, verified }`
 * @returns 0, or an error code: -1014 a plain socket, -1021 the peer sent no certificate (WebDevGetSecureError() says so), -10022 a holder that takes no new value, -509 an unknown or closed socket, -501 an argument of the wrong type, -503 a wrong count
 */
export function TCPGetPeerCertificate(socket: number, holder: { value?: unknown }): number {
  return run(GET_PEER_CERTIFICATE, arguments.length, socket, holder);
}
