/**
 * TCPStartTLS: a connected plain socket goes on as TLS, over the same TCP connection and
 * under the same number. As the server when the socket has its own 'cert' and 'key'
 * options, else as the client (verify: the chain must lead to the trust store and the
 * certificate must name the server: `servername`, else the host TCPConnect was given,
 * else the peer's address). A failure is -1021 with the reason as the reply's text, as
 * TCPConnect's; the connection is then unusable (close it).
 *
 * What the peer sent that nobody read is handed to the TLS layer as its first bytes:
 * once a protocol says "go ahead", everything after it is TLS (a client's ClientHello
 * often arrives before the server's TCPStartTLS). So read every plain byte the protocol
 * has before the upgrade; plain text a peer slips in after its STARTTLS fails the
 * handshake instead of passing for something that came encrypted.
 */
import type net from 'node:net';
import tls from 'node:tls';
import { ErrorCode } from '../../errors.js';
import { StartTlsFlag } from '../../protocol.js';
import { MIN_TLS_VERSION } from '../../tls/folders.js';
import { describeTlsError } from '../../tls/tls-errors.js';
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';
import type { StreamSocket } from '../stream-socket.js';
import type { ClientTlsWire } from '../../tls/client-identity.js';
import { awaitHandshake, clientTlsRequest, secureClient } from '../tls-client.js';
import { loadTlsContext } from '../tls-loader.js';

export function startTls(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream === undefined) return;
  if (stream.secure) return slot.reply(ErrorCode.InvalidArgument);
  if (stream.currentFailure !== 0) return slot.reply(stream.currentFailure);
  const serverTls = stream.serverTls;
  if (serverTls !== undefined && serverTls.context === undefined) {
    return slot.replyText(ErrorCode.TlsError, "a server-side TCPStartTLS needs both the 'cert' and the 'key' option");
  }
  const reply = slot.replier();
  const replyText = slot.textReplier();
  const request = clientTlsRequest(slot.text());
  const servername = request.first;
  const verify = (slot.arg0 & StartTlsFlag.Verify) !== 0;
  const timeoutMs = slot.arg2;
  let secured: tls.TLSSocket | undefined;
  slot.park(timeoutMs, () => secured?.destroy());
  const begin = (clientContext: tls.SecureContext | undefined): void => {
    if (!slot.busy) return; // timed out while the context loaded
    stream.detachForUpgrade((unread) => upgrade(clientContext, unread));
  };
  const upgrade = (clientContext: tls.SecureContext | undefined, unread: Buffer): void => {
    const raw = stream.raw;
    // Given back to the TCP socket's buffer: the TLSSocket reads those first.
    if (unread.length > 0) raw.unshift(unread);
    secured =
      serverTls?.context !== undefined
        ? new tls.TLSSocket(raw, { isServer: true, secureContext: serverTls.context, minVersion: MIN_TLS_VERSION })
        : clientSocket(stream, raw, clientContext!, servername, verify, request.settings);
    awaitHandshake(secured, serverTls?.context !== undefined ? 'secure' : 'secureConnect', replyText, () => {
      stream.capturePeer(); // once the handshake is over: the peer's certificate is known
      reply(0);
    });
    stream.upgradeTo(secured);
    // Timed out while a direct call finished: the connection is unusable, as after any failure.
    if (!slot.busy) secured.destroy();
  };
  if (serverTls?.context !== undefined) return begin(undefined);
  loadTlsContext()
    .then((module) => module.clientContextWith(request.text, request.settings)) // throws when node refuses the settings
    .then(begin, (error: unknown) => replyText(ErrorCode.TlsError, describeTlsError(error)));
}

function clientSocket(
  stream: StreamSocket,
  raw: net.Socket,
  secureContext: tls.SecureContext,
  servername: string,
  verify: boolean,
  settings: ClientTlsWire,
): tls.TLSSocket {
  const host = servername !== '' ? servername : (stream.host ?? raw.remoteAddress ?? '');
  return secureClient(raw, host, secureContext, verify, settings);
}
