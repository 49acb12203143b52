/**
 * A listener's `proxy` option: every connection must start with a PROXY protocol header
 * (v1 or v2) from the load balancer in front. The engine reads it before anything else
 * (before TLS), on its event loop without blocking it, within `proxytimeout`; then the
 * connection goes on as if the client had connected directly: TCPGetRemoteAddr /
 * TCPGetRemotePort (and the peer serve() gives a handler) are the client's. A connection
 * whose first bytes are not a valid header, that closes before one, or that is too slow
 * sending it, is reset and counted (`proxyrefused`), and never reaches TCPAccept.
 */
import type { Socket } from 'node:net';
import { type ProxiedPeer, parseProxyHeader } from './proxy-header.js';

export const DEFAULT_PROXY_TIMEOUT_MS = 10_000;
/** v2's largest header: 16 fixed bytes and a 16-bit length. */
const MAX_HEADER_BYTES = 16 + 65_535;

export class ProxySettings {
  /** The 'proxy' option. */
  enabled = false;
  /** The 'proxytimeout' option: how long a client may take to send its header, ms. */
  timeoutMs = DEFAULT_PROXY_TIMEOUT_MS;
  /** Connections reset for want of a valid header. */
  refused = 0;
  /** Connections whose header is being read now. */
  pending = 0;

  /**
   * Reads the header from a new connection, then calls `admit` with the header's bytes
   * gone and the bytes behind it still to be read (the stream is left paused with them
   * unshifted: the caller's reader resumes it).
   */
  read(socket: Socket, admit: () => void): void {
    this.pending++;
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (): void => {
      settled = true;
      this.pending--;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', refuse);
      socket.off('close', refuse);
    };
    const refuse = (): void => {
      if (settled) return;
      finish();
      this.refused++;
      socket.on('error', () => {});
      socket.resetAndDestroy();
    };
    const onData = (chunk: Buffer): void => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const parsed = parseProxyHeader(received);
      if (parsed.kind === 'incomplete' && received.length < MAX_HEADER_BYTES) return;
      if (parsed.kind !== 'complete') return refuse();
      finish();
      socket.pause();
      const rest = received.subarray(parsed.length);
      if (rest.length > 0) socket.unshift(rest);
      if (parsed.peer !== undefined) presentAs(socket, parsed.peer);
      admit();
    };
    const timer = setTimeout(refuse, this.timeoutMs);
    socket.on('data', onData);
    socket.once('end', refuse);
    socket.once('close', refuse);
    socket.on('error', () => {}); // a reset before the header: 'close' follows and refuses
  }
}

/**
 * Makes a socket report the proxied client as its peer: its own properties shadow
 * net.Socket's getters, so every reader of remoteAddress (the commands, the accept reply,
 * the event API) sees the client, with no second place to look.
 */
export function presentAs(socket: Socket, peer: ProxiedPeer): void {
  Object.defineProperty(socket, 'remoteAddress', { value: peer.address, configurable: true });
  Object.defineProperty(socket, 'remotePort', { value: peer.port, configurable: true });
  Object.defineProperty(socket, 'remoteFamily', { value: peer.family, configurable: true });
}

/** A TLS socket over a proxied one reports the same client (it has its own getters). */
export function inheritProxiedPeer(secure: Socket, raw: Socket): void {
  if (Object.hasOwn(raw, 'remoteAddress')) {
    presentAs(secure, { address: String(raw.remoteAddress), port: Number(raw.remotePort), family: raw.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4' });
  }
}
