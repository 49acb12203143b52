/**
 * TCPGetPeerCertificate: the certificate a TLS connection's peer sent, as kept at the end
 * of its handshake (stream-socket.ts's capturePeer), so it can be read after the peer closed.
 */
import { ErrorCode } from '../../errors.js';
import { peerCertificateOf } from '../../tls/peer-certificate.js';
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';

export function peerCertificate(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream === undefined) return;
  if (!stream.secure || stream.peer === undefined) return slot.reply(ErrorCode.NotSecure);
  const certificate = peerCertificateOf(stream.peer);
  if (certificate === undefined) return slot.replyText(ErrorCode.TlsError, 'the peer sent no certificate');
  slot.replyText(0, JSON.stringify(certificate));
}
