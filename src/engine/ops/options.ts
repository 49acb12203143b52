/**
 * TCPSetOption / TCPGetOption in the engine. The commands have checked the name and the
 * value's type and range against src/options.ts (and keep socket 0's options, the
 * thread's defaults, themselves); here each option meets the kinds of socket it applies
 * to: -10022 for the others, or when it is too late to set it.
 */
import type { TLSSocket } from 'node:tls';
import { ErrorCode } from '../../errors.js';
import { INFINITE, OptionId, TEXT_VALUE } from '../../options.js';
import type { ConnectionOptions } from '../connection-options.js';
import type { Engine } from '../engine-sockets.js';
import { ListenerSocket } from '../listener-socket.js';
import { ServerTls } from '../server-tls.js';
import type { EngineSlot } from '../slot.js';
import type { SocketEntry } from '../socket-table.js';
import { StreamSocket } from '../stream-socket.js';
import { UnboundSocket } from '../unbound-socket.js';

/** Options that live in ConnectionOptions, and how their integer value maps to it. */
const connectionOptions: Record<number, (value: number) => Partial<ConnectionOptions>> = {
  [OptionId.nodelay]: (value) => ({ noDelay: value !== 0 }),
  [OptionId.keepalive]: (value) => ({ keepAlive: value !== 0 }),
  [OptionId.keepalivedelay]: (value) => ({ keepAliveDelayMs: value }),
  [OptionId.timeout]: (value) => ({ timeoutMs: value }),
  [OptionId.sndbuf]: (value) => ({ sendBufferBytes: value }),
  [OptionId.rcvbuf]: (value) => ({ receiveBufferBytes: value }),
  [OptionId.encoding]: (value) => ({ encoding: value }),
};

function readConnectionOption(id: number, options: ConnectionOptions): number {
  switch (id) {
    case OptionId.nodelay:
      return options.noDelay ? 1 : 0;
    case OptionId.keepalive:
      return options.keepAlive ? 1 : 0;
    case OptionId.keepalivedelay:
      return options.keepAliveDelayMs;
    case OptionId.timeout:
      return options.timeoutMs;
    case OptionId.sndbuf:
      return options.sendBufferBytes;
    case OptionId.encoding:
      return options.encoding;
    default:
      return options.receiveBufferBytes;
  }
}

/** Arg0: option id; Arg1: an integer value; text values in the data area. */
export function setOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  const id = slot.arg0;
  const toConnection = connectionOptions[id];
  if (toConnection !== undefined) {
    const changes = toConnection(slot.arg1);
    if (entry instanceof StreamSocket) entry.setOptions(changes);
    else Object.assign(entry.connection, changes); // for the connections it will accept
    return slot.reply(0);
  }
  const unbound = entry instanceof UnboundSocket && !entry.binding ? entry : undefined;
  switch (id) {
    case OptionId.address:
      if (unbound === undefined) return slot.reply(ErrorCode.InvalidArgument);
      unbound.address = slot.text() === '' ? undefined : slot.text();
      return slot.reply(0);
    case OptionId.backlog:
      if (unbound === undefined) return slot.reply(ErrorCode.InvalidArgument);
      unbound.backlog = slot.arg1;
      return slot.reply(0);
    case OptionId.family:
      if (unbound === undefined) return slot.reply(ErrorCode.InvalidArgument);
      unbound.family = slot.arg1; // 0, 4 or 6: the caller checked it against the table
      return slot.reply(0);
    case OptionId.reuseaddr:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      // node sets SO_REUSEADDR on every listener and offers no way to clear it.
      return slot.reply(slot.arg1 === 1 ? 0 : ErrorCode.NotSupported);
    case OptionId.cert:
    case OptionId.key: {
      // A connection's own certificate and key are for a server-side TCPStartTLS.
      if (entry instanceof StreamSocket && entry.secure) return slot.reply(ErrorCode.InvalidArgument);
      const tls = entry instanceof StreamSocket ? (entry.serverTls ??= new ServerTls()) : entry.tls;
      const problem = tls.set(id === OptionId.cert ? 'cert' : 'key', slot.text());
      return problem === undefined ? slot.reply(0) : slot.replyText(ErrorCode.TlsError, problem);
    }
    case OptionId.proxy:
    case OptionId.proxytimeout:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      if (id === OptionId.proxy) entry.proxy.enabled = slot.arg1 === 1;
      else entry.proxy.timeoutMs = slot.arg1;
      return slot.reply(0);
    case OptionId.listenfd:
      if (unbound === undefined) return slot.reply(ErrorCode.InvalidArgument);
      unbound.listenFd = slot.arg1;
      return slot.reply(0);
    case OptionId.accepting:
      if (!(entry instanceof ListenerSocket) || (slot.arg1 === 1 && !entry.accepting)) return slot.reply(ErrorCode.InvalidArgument);
      if (slot.arg1 === 0 && entry.accepting) entry.stopAccepting();
      return slot.reply(0);
    case OptionId.handshakes:
    case OptionId.handshaketimeout:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      if (id === OptionId.handshakes) entry.handshakeLimits.maxInFlight = slot.arg1;
      else entry.handshakeLimits.timeoutMs = slot.arg1;
      return slot.reply(0);
    default:
      // connecttimeout belongs to socket 0 (the thread's defaults), read-only ones to nobody.
      return slot.reply(ErrorCode.InvalidArgument);
  }
}

export function getOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  const id = slot.arg0;
  if (connectionOptions[id] !== undefined) {
    const options = entry instanceof StreamSocket ? entry.options : entry.connection;
    const value = readConnectionOption(id, options);
    return value === INFINITE ? slot.replyText(0, 'infinite', TEXT_VALUE) : slot.reply(value);
  }
  switch (id) {
    case OptionId.address:
      return slot.replyText(0, localAddress(entry), TEXT_VALUE);
    case OptionId.backlog:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      return slot.reply(entry.backlog);
    case OptionId.family:
      if (entry instanceof StreamSocket) return slot.reply(entry.socket.remoteFamily === 'IPv6' ? 6 : 4);
      return slot.reply(entry.family);
    case OptionId.reuseaddr:
      return entry instanceof StreamSocket ? slot.reply(ErrorCode.InvalidArgument) : slot.reply(1);
    case OptionId.cert:
    case OptionId.key: {
      const tls = entry instanceof StreamSocket ? entry.serverTls : entry.tls;
      if (tls === undefined) return slot.reply(ErrorCode.InvalidArgument);
      return slot.replyText(0, id === OptionId.cert ? tls.certSource : tls.keySource, TEXT_VALUE);
    }
    case OptionId.secure:
      if (entry instanceof StreamSocket) return slot.reply(entry.secure ? 1 : 0);
      return slot.reply(entry.tls.context === undefined ? 0 : 1);
    case OptionId.tlsversion:
    case OptionId.cipher:
    case OptionId.peercert:
      return tlsInformation(slot, entry);
    case OptionId.proxy:
    case OptionId.proxytimeout:
    case OptionId.proxyrefused:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      return slot.reply(id === OptionId.proxy ? Number(entry.proxy.enabled) : id === OptionId.proxytimeout ? entry.proxy.timeoutMs : entry.proxy.refused);
    case OptionId.listenfd:
      return entry instanceof UnboundSocket ? slot.reply(entry.listenFd ?? -1) : slot.reply(ErrorCode.InvalidArgument);
    case OptionId.accepting:
      return entry instanceof ListenerSocket ? slot.reply(entry.accepting ? 1 : 0) : slot.reply(ErrorCode.InvalidArgument);
    case OptionId.queued:
    case OptionId.refused:
      if (!(entry instanceof ListenerSocket)) return slot.reply(ErrorCode.InvalidArgument);
      return slot.reply(id === OptionId.queued ? entry.queued : entry.refused);
    case OptionId.handshakes:
    case OptionId.handshaketimeout:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      return slot.reply(id === OptionId.handshakes ? entry.handshakeLimits.maxInFlight : entry.handshakeLimits.timeoutMs);
    case OptionId.handshaking:
    case OptionId.abandoned:
      if (!(entry instanceof ListenerSocket)) return slot.reply(ErrorCode.InvalidArgument);
      return slot.reply(id === OptionId.handshaking ? entry.handshakes.inProgress : entry.handshakes.abandoned);
    default:
      return slot.reply(ErrorCode.InvalidArgument);
  }
}

function localAddress(entry: SocketEntry): string {
  if (entry instanceof UnboundSocket) return entry.address ?? '';
  if (entry instanceof StreamSocket) return entry.socket.localAddress ?? '';
  return (entry.server.address() as { address?: string } | null)?.address ?? '';
}

function tlsInformation(slot: EngineSlot, entry: SocketEntry): void {
  if (!(entry instanceof StreamSocket) || !entry.secure) return slot.reply(ErrorCode.NotSecure);
  const socket = entry.socket as TLSSocket;
  let text: string;
  if (slot.arg0 === OptionId.tlsversion) text = socket.getProtocol() ?? '';
  else if (slot.arg0 === OptionId.cipher) text = socket.getCipher()?.name ?? '';
  else {
    const subject = socket.getPeerCertificate()?.subject as Record<string, string | string[]> | undefined;
    text = subject === undefined ? '' : Object.entries(subject).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  }
  slot.replyText(0, text, TEXT_VALUE);
}
