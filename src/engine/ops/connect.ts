/**
 * TCPConnect: resolve, connect (and with `secure`, the TLS handshake over that TCP
 * connection), and answer the new socket number, all within the caller's comms time-out
 * (Arg2, ms); a request never outlives it, even if DNS does. A failure after the TCP
 * connection was made is a TLS failure: -1021 with the reason as the reply's text.
 */
import net from 'node:net';
import tls from 'node:tls';
import { codeFromError, ErrorCode } from '../../errors.js';
import { ConnectFlag } from '../../protocol.js';
import { describeTlsError } from '../../tls/tls-errors.js';
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';
import { StreamSocket } from '../stream-socket.js';
import { MIN_TLS_VERSION } from '../../tls/folders.js';
import { loadTlsContext } from '../tls-loader.js';

export function connect(slot: EngineSlot, engine: Engine): void {
  const host = slot.text();
  const port = slot.arg0;
  const secure = (slot.arg1 & ConnectFlag.Secure) !== 0;
  const verify = (slot.arg1 & ConnectFlag.Verify) !== 0;
  const reply = slot.replier();
  const replyText = slot.textReplier();
  // allowHalfOpen: a peer's FIN must not close our side; Omnis scripts keep sending
  // after the peer half-closes. noDelay: request/response users expect no Nagle stall.
  const family = (slot.arg1 & ConnectFlag.Ipv6) !== 0 ? 6 : (slot.arg1 & ConnectFlag.Ipv4) !== 0 ? 4 : 0;
  const raw = net.connect({ host, port, family, allowHalfOpen: true, noDelay: true });
  let current: net.Socket = raw;
  const onError = (error: Error): void => {
    current.destroy();
    reply(codeFromError(error, ErrorCode.ConnectionRefused));
  };
  raw.once('error', onError);
  const tlsContext = secure ? loadTlsContext() : undefined; // loaded once, on first use
  raw.once('connect', () => {
    if (tlsContext === undefined) {
      raw.off('error', onError);
      const stream = new StreamSocket(raw, false);
      stream.host = host; // what a later TCPStartTLS verifies the server's certificate against
      return reply(engine.table.add(stream));
    }
    void tlsContext.then(({ clientContext }) => handshake(clientContext()));
  });
  const handshake = (secureContext: tls.SecureContext): void => {
    raw.off('error', onError);
    if (raw.destroyed) return; // the time-out (or an error) came first
    // The TLS socket is made over our TCP socket (rather than by tls.connect alone) so
    // that an abort can still reset the TCP connection under it.
    const secured = tls.connect({
      socket: raw,
      host, // what the certificate is checked against (IP literals against IP SANs)
      servername: net.isIP(host) === 0 ? host : undefined, // SNI takes names, not addresses
      secureContext,
      rejectUnauthorized: verify,
      minVersion: MIN_TLS_VERSION,
    });
    current = secured;
    const onTlsError = (error: Error): void => {
      secured.destroy();
      replyText(ErrorCode.TlsError, describeTlsError(error));
    };
    secured.once('error', onTlsError);
    secured.once('secureConnect', () => {
      secured.off('error', onTlsError);
      reply(engine.table.add(new StreamSocket(secured, true, raw)));
    });
  };
  slot.park(slot.arg2, () => {
    current.removeAllListeners('error');
    current.on('error', () => {}); // a late error of the abandoned attempt is nobody's
    current.destroy();
    raw.destroy();
  });
}
