/**
 * TCPConnect: resolve, connect (and with `secure`, the TLS handshake over that TCP
 * connection), and answer the new socket number, all within the caller's comms time-out
 * (Arg2, ms); a request never outlives it, even if DNS does. A failure after the TCP
 * connection was made is a TLS failure: -1021 with the reason as the reply's text.
 *
 * A host beginning with '/' or '@' is a Unix-domain socket (src/unix-address.ts): node
 * connects to its path, and the StreamSocket keeps the name, which stands for both ends'
 * addresses (the kernel names only the listening end). No file there is ENOENT, which
 * becomes -10061 (the fallback), as a closed port is refused.
 */
import net from 'node:net';
import type tls from 'node:tls';
import { codeFromError, ErrorCode } from '../../errors.js';
import { ConnectFlag } from '../../protocol.js';
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';
import { StreamSocket } from '../stream-socket.js';
import { describeTlsError } from '../../tls/tls-errors.js';
import { awaitHandshake, clientTlsRequest, secureClient } from '../tls-client.js';
import { loadTlsContext } from '../tls-loader.js';
import { isUnixAddress, nodeUnixPath } from '../../unix-address.js';

/**
 * The name a TLS server's certificate is checked against over a Unix-domain socket: the
 * peer is on this machine, and a path is no name a certificate could hold.
 */
const UNIX_TLS_HOST = 'localhost';

export function connect(slot: EngineSlot, engine: Engine): void {
  const request = clientTlsRequest(slot.text());
  const host = request.first;
  const port = slot.arg0;
  const secure = (slot.arg1 & ConnectFlag.Secure) !== 0;
  const verify = (slot.arg1 & ConnectFlag.Verify) !== 0;
  const reply = slot.replier();
  const replyText = slot.textReplier();
  // allowHalfOpen: a peer's FIN must not close our side; Omnis scripts keep sending
  // after the peer half-closes. noDelay: request/response users expect no Nagle stall.
  const family = (slot.arg1 & ConnectFlag.Ipv6) !== 0 ? 6 : (slot.arg1 & ConnectFlag.Ipv4) !== 0 ? 4 : 0;
  const unix = isUnixAddress(host);
  const raw = unix
    ? net.connect({ path: nodeUnixPath(host), allowHalfOpen: true })
    : net.connect({ host, port, family, allowHalfOpen: true, noDelay: true });
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
      stream.host = unix ? UNIX_TLS_HOST : host; // what a later TCPStartTLS verifies the server's certificate against
      if (unix) stream.unixAddress = host;
      return reply(engine.table.add(stream));
    }
    void tlsContext.then(({ clientContextWith }) => {
      let context: tls.SecureContext;
      try {
        context = clientContextWith(request.text, request.settings);
      } catch (error) {
        raw.off('error', onError);
        raw.destroy();
        return replyText(ErrorCode.TlsError, describeTlsError(error));
      }
      handshake(context);
    });
  });
  const handshake = (secureContext: tls.SecureContext): void => {
    raw.off('error', onError);
    if (raw.destroyed) return; // the time-out (or an error) came first
    const secured = secureClient(raw, unix ? UNIX_TLS_HOST : host, secureContext, verify, request.settings);
    current = secured;
    awaitHandshake(secured, 'secureConnect', replyText, () => {
      const stream = new StreamSocket(secured, true, raw);
      if (unix) stream.unixAddress = host;
      reply(engine.table.add(stream));
    });
  };
  slot.park(slot.arg2, () => {
    current.removeAllListeners('error');
    current.on('error', () => {}); // a late error of the abandoned attempt is nobody's
    current.destroy();
    raw.destroy();
  });
}
