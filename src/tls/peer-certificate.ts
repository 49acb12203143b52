/**
 * The peer's certificate as TCPGetPeerCertificate gives it: node's own object, kept from
 * the handshake (a destroyed TLSSocket has none to give), turned into plain fields.
 */
import type { PeerCertificate as NodePeerCertificate } from 'node:tls';

/** The peer's certificate, as TCPGetPeerCertificate puts it in its holder. */
export interface PeerCertificate {
  /** Attributes of the subject ({ CN: 'localhost', O: 'Example' }; a repeated one as an array). */
  subject: Record<string, string | string[]>;
  /** Attributes of the issuer, as `subject`'s. */
  issuer: Record<string, string | string[]>;
  /** As node gives them: 'DNS:a.example', 'IP Address:127.0.0.1', 'email:...'. */
  subjectAltNames: string[];
  /** Upper-case hex, as node gives it. */
  serialNumber: string;
  /** The start of its validity, an ISO 8601 date. */
  validFrom: string;
  /** The end of its validity, an ISO 8601 date. */
  validTo: string;
  /** SHA-256 of the DER, colon-separated upper-case hex. */
  fingerprint256: string;
  /** The certificate itself, PEM. */
  pem: string;
  /** Whether it passed verification in the handshake (the chain leads to a trusted CA; a server's also names the host). */
  verified: boolean;
}

/** What the engine keeps at the end of a handshake: node's certificate ({} or null when the peer sent none). */
export interface PeerCapture {
  certificate: NodePeerCertificate | null;
  verified: boolean;
}

/** The certificate's fields, or undefined when the peer sent none. */
export function peerCertificateOf(capture: PeerCapture): PeerCertificate | undefined {
  const cert = capture.certificate;
  if (cert === null || cert.raw === undefined) return undefined;
  const base64 = cert.raw.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return {
    subject: { ...(cert.subject as unknown as Record<string, string | string[]>) },
    issuer: { ...(cert.issuer as unknown as Record<string, string | string[]>) },
    subjectAltNames: (cert.subjectaltname ?? '').split(', ').filter((name) => name !== ''),
    serialNumber: cert.serialNumber,
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
    pem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    verified: capture.verified,
  };
}
