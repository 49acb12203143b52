/**
 * The TLS handshakes of a listener's clients, bounded apart from its accept queue.
 *
 * A client counts here from its connection until its handshake ends; only then does it
 * join the accept queue (`backlog`). So clients that connect and never finish cannot take
 * the queue places good clients need, and:
 * - a client that goes away mid-handshake stops counting at once. Listeners allow half-open
 *   connections, so a client's FIN ends only the raw socket's readable side: the TLSSocket
 *   then emits 'end' and never 'close' (checked on Node 20). 'end' before 'secure' is
 *   therefore a client gone, and is settled here; waiting for 'close' kept such clients
 *   counting until the time-out;
 * - a handshake is bounded in time (`handshaketimeout`);
 * - at most `handshakes` are in flight; a new client beyond that displaces the oldest
 *   handshake whose ClientHello is still incomplete (we have not answered it: nothing
 *   written yet), else the oldest of all. A good client sends its whole hello at once and
 *   is answered within milliseconds, so an old unanswered handshake is the likeliest
 *   staller, and a good client in progress is displaced last. Refusing the new client
 *   instead would lock good clients out for as long as stalled ones keep the slots (the
 *   whole time-out, renewed by the attacker).
 *
 * Clients that went away, stalled past the time-out or were displaced are counted
 * (`abandoned`), never handed to TCPAccept: there is nothing to accept and no one to tell.
 * A handshake that really failed (a bad hello, an alert from the client) is still that
 * client's -1021 at TCPAccept, with its reason.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { debugEvent } from '../diagnostics/debug-log.js';
import { MIN_TLS_VERSION } from '../tls/folders.js';
import { describeTlsError } from '../tls/tls-errors.js';
import type { ServerHandshakeOptions } from './server-tls.js';

/** Far above the handshakes a busy listener has in flight, below common descriptor limits (1024). */
export const DEFAULT_HANDSHAKES = 256;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The 'handshakes' and 'handshaketimeout' options of a listener (set before or after TCPBind). */
export interface HandshakeLimits {
  maxInFlight: number;
  timeoutMs: number;
}

export function defaultHandshakeLimits(): HandshakeLimits {
  return { maxInFlight: DEFAULT_HANDSHAKES, timeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS };
}

/** Errors that mean the client went away, not that its handshake was wrong. */
const GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

export interface HandshakeOutcome {
  /** The handshake is done: the connection is ready to be queued. */
  secure(socket: tls.TLSSocket): void;
  /** The handshake failed: TCPAccept returns -1021 with `reason`. */
  failed(reason: string): void;
}

interface Handshake {
  readonly raw: Socket;
  readonly secure: tls.TLSSocket;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly onEnd: () => void;
  readonly onClose: () => void;
}

export class HandshakeGate {
  /** Handshakes in flight, oldest first (a Set keeps insertion order). */
  private readonly inFlight = new Set<Handshake>();
  /** Clients that went away, stalled past the time-out, or were displaced by a newer one. */
  abandoned = 0;

  constructor(private readonly limits: HandshakeLimits) {}

  get inProgress(): number {
    return this.inFlight.size;
  }

  start(raw: Socket, options: ServerHandshakeOptions, outcome: HandshakeOutcome): void {
    while (this.inFlight.size >= Math.max(1, this.limits.maxInFlight)) {
      this.abandon(this.displaceable(), 'displaced by a newer client (handshakes full)');
    }
    const secure = new tls.TLSSocket(raw, { isServer: true, minVersion: MIN_TLS_VERSION, ...options });
    const timer = setTimeout(() => this.abandon(handshake, 'stalled past handshaketimeout'), this.limits.timeoutMs);
    const handshake: Handshake = {
      raw,
      secure,
      timer,
      onEnd: () => this.abandon(handshake, 'went away (FIN)', true),
      onClose: () => this.abandon(handshake, 'went away'),
    };
    this.inFlight.add(handshake);
    // Errors after the handshake is settled (a destroyed socket's last words) must find a
    // listener, or they would be thrown on the engine's event loop.
    raw.on('error', () => {});
    secure.on('error', (error: Error & { code?: string }) => {
      if (!this.inFlight.has(handshake)) return;
      if (GONE.has(error.code ?? '')) return this.abandon(handshake, `went away (${error.code})`);
      this.settle(handshake);
      secure.destroy();
      const reason = describeTlsError(error);
      debugEvent('TLS handshake failures', () => `TLS handshake failed from ${peerOf(raw)}: ${reason}`);
      outcome.failed(reason);
    });
    secure.once('end', handshake.onEnd);
    secure.once('close', handshake.onClose);
    secure.once('secure', () => {
      if (!this.inFlight.has(handshake)) return;
      this.settle(handshake);
      const refusal = options.requestCert ? clientCertificateRefusal(secure) : undefined;
      if (refusal === undefined) {
        // What tls.Server sets on its sockets: a client certificate that verified is `authorized`
        // (TCPGetPeerCertificate's `verified`, kept as the connection is made).
        if (options.requestCert) secure.authorized = Object.keys(secure.getPeerCertificate()).length > 0;
        return outcome.secure(secure);
      }
      // A client without a certificate under 'verifyclient' 2 got OpenSSL's alert in the
      // handshake (an error above); a certificate that does not verify is known only now:
      // node verifies after OpenSSL's handshake, so the client is told by the close.
      secure.destroy();
      debugEvent('TLS handshake failures', () => `TLS client certificate refused from ${peerOf(raw)}: ${refusal}`);
      outcome.failed(refusal);
    });
  }

  /** The oldest handshake not answered yet (its ClientHello incomplete), else the oldest. */
  private displaceable(): Handshake {
    for (const handshake of this.inFlight) {
      if (handshake.raw.bytesWritten === 0) return handshake;
    }
    return this.inFlight.values().next().value as Handshake;
  }

  /** The listener closes: every handshake in flight ends now. */
  closeAll(): void {
    for (const handshake of [...this.inFlight]) {
      this.settle(handshake);
      reset(handshake);
    }
  }

  private settle(handshake: Handshake): void {
    this.inFlight.delete(handshake);
    clearTimeout(handshake.timer);
    // Only ours: node's own 'end' listener (half-close handling) must stay.
    handshake.secure.off('end', handshake.onEnd);
    handshake.secure.off('close', handshake.onClose);
  }

  private abandon(handshake: Handshake, why: string, afterFin = false): void {
    if (!this.inFlight.has(handshake)) return;
    this.settle(handshake);
    this.abandoned++;
    debugEvent('abandoned TLS handshakes', () => `TLS handshake abandoned from ${peerOf(handshake.raw)}: ${why}`);
    reset(handshake, afterFin);
  }
}

/**
 * Frees the connection at once: an RST (nothing the client could still want from us),
 * except after the client's FIN, when node may already be shutting our side down and
 * libuv would refuse the reset and leak the descriptor (see StreamSocket.reset).
 */
function reset({ raw, secure }: Handshake, afterFin = false): void {
  if (!afterFin && !raw.destroyed) raw.resetAndDestroy();
  else raw.destroy();
  secure.destroy();
}

/**
 * Why a client's certificate is refused, or undefined: a certificate sent must verify
 * against the listener's CAs ('verifyclient' 1 and 2); none sent is refused by OpenSSL
 * in the handshake under 2 and allowed under 1. node's tls.Server does this check in
 * its own listener only, so a TLSSocket made here does it itself.
 */
function clientCertificateRefusal(secure: tls.TLSSocket): string | undefined {
  if (Object.keys(secure.getPeerCertificate()).length === 0) return undefined;
  const handle = (secure as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null } })._handle;
  const error = handle?.verifyError?.();
  return error == null ? undefined : `the client certificate does not verify: ${error.code ?? error.message}`;
}

function peerOf(raw: Socket): string {
  return `${raw.remoteAddress ?? '?'}:${raw.remotePort ?? '?'}`;
}
