/**
 * TCPSetOption / TCPGetOption in the engine. The commands have checked the name and the
 * value's type and range against the option table (src/option-table.ts), and keep socket
 * 0's options, the thread's defaults, themselves. Here each option meets the kinds of
 * socket it applies to (the table's `on` and `setOn`: -10022 for the others), and the
 * state of the socket (-10022 when it is too late to set it).
 */
import type { TLSSocket } from 'node:tls';
import { ErrorCode } from '../../errors.js';
import { OptionId, optionOfId, type OptionSpec, Sockets, TEXT_VALUE, INFINITE } from '../../option-table.js';
import { connectionOption, type ConnectionOptions, setConnectionOption } from '../connection-defaults.js';
import { DatagramSocket } from '../datagram-socket.js';
import type { Engine } from '../engine-sockets.js';
import { getDatagramOption, setDatagramOption } from './datagram-options.js';
import { ListenerSocket } from '../listener-socket.js';
import { ServerTls } from '../server-tls.js';
import { tlsVersionNamed } from '../../tls/client-identity.js';
import type { EngineSlot } from '../slot.js';
import type { SocketEntry } from '../socket-table.js';
import { StreamSocket } from '../stream-socket.js';
import { UnboundSocket } from '../unbound-socket.js';

function kindOf(entry: SocketEntry): number {
  if (entry instanceof StreamSocket) return Sockets.Connection;
  if (entry instanceof DatagramSocket) return Sockets.Datagram;
  return entry instanceof ListenerSocket ? Sockets.Listener : Sockets.Unbound;
}

/** The option of the request's id when it applies to `entry` for this use (set: `setOn`), else undefined. */
function applicable(slot: EngineSlot, entry: SocketEntry, setting: boolean): OptionSpec | undefined {
  const option = optionOfId(slot.arg0);
  if (option === undefined) return undefined;
  const on = setting ? (option.setOn ?? option.on) : option.on;
  return (on & kindOf(entry)) !== 0 ? option : undefined;
}

/** Arg0: option id; Arg1: an integer value; text values in the data area. */
export function setOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  const option = applicable(slot, entry, true);
  // connecttimeout belongs to socket 0 (the thread's defaults), read-only ones to nobody.
  if (option === undefined || option.readOnly === true) return slot.reply(ErrorCode.InvalidArgument);
  if (entry instanceof DatagramSocket) return setDatagramOption(slot, entry, option);
  if (option.connection !== undefined) {
    if (entry instanceof StreamSocket) {
      const changes: Partial<ConnectionOptions> = {};
      setConnectionOption(changes as ConnectionOptions, option, slot.arg1);
      entry.setOptions(changes);
    } else {
      setConnectionOption(entry.connection, option, slot.arg1); // for the connections it will accept
    }
    return slot.reply(0);
  }
  const id = option.id;
  // Narrowed for TypeScript: `applicable` already let only the kinds of the table's `setOn` through.
  const server = entry instanceof StreamSocket ? undefined : entry;
  const unbound = entry instanceof UnboundSocket && !entry.binding ? entry : undefined; // too late once binding
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
    case OptionId.mode:
      if (unbound === undefined) return slot.reply(ErrorCode.InvalidArgument);
      unbound.mode = slot.arg1; // 0..0o777: the caller checked it against the table
      return slot.reply(0);
    case OptionId.reuseaddr:
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
    case OptionId.verifyclient:
    case OptionId.clientca:
    case OptionId.sni: {
      const tls = server!.tls;
      const problem = id === OptionId.sni ? tls.setSni(slot.text()) : id === OptionId.verifyclient ? tls.setVerify(slot.arg1) : tls.setVerify(tls.verifyClient, slot.text());
      return problem === undefined ? slot.reply(0) : slot.replyText(ErrorCode.TlsError, problem);
    }
    case OptionId.tlsminversion:
    case OptionId.ciphers:
    case OptionId.alpn:
      return setServerPolicy(slot, server!.tls, id);
    case OptionId.certreload: {
      if (slot.arg1 !== 1 || server!.tls.context === undefined) return slot.reply(ErrorCode.InvalidArgument);
      const problem = server!.tls.reload();
      return problem === undefined ? slot.reply(0) : slot.replyText(ErrorCode.TlsError, problem);
    }
    case OptionId.proxy:
    case OptionId.proxytimeout:
      if (id === OptionId.proxy) server!.proxy.enabled = slot.arg1 === 1;
      else server!.proxy.timeoutMs = slot.arg1;
      return slot.reply(0);
    case OptionId.listenfd:
    case OptionId.heldfd:
      if (unbound === undefined) return slot.reply(ErrorCode.InvalidArgument);
      if (id === OptionId.listenfd) unbound.listenFd = slot.arg1;
      else unbound.heldFd = slot.arg1;
      return slot.reply(0);
    case OptionId.accepting:
      if (!(entry instanceof ListenerSocket) || (slot.arg1 === 1 && !entry.accepting)) return slot.reply(ErrorCode.InvalidArgument); // no restart
      if (slot.arg1 === 0 && entry.accepting) entry.stopAccepting();
      return slot.reply(0);
    case OptionId.handshakes:
    case OptionId.handshaketimeout:
      if (id === OptionId.handshakes) server!.handshakeLimits.maxInFlight = slot.arg1;
      else server!.handshakeLimits.timeoutMs = slot.arg1;
      return slot.reply(0);
    default:
      return slot.reply(ErrorCode.InvalidArgument);
  }
}

export function getOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  const option = applicable(slot, entry, false);
  if (option === undefined) return slot.reply(ErrorCode.InvalidArgument);
  if (entry instanceof DatagramSocket) return getDatagramOption(slot, entry, option);
  if (option.connection !== undefined) {
    const value = connectionOption(entry instanceof StreamSocket ? entry.options : entry.connection, option);
    return value === INFINITE ? slot.replyText(0, 'infinite', TEXT_VALUE) : slot.reply(value);
  }
  const id = option.id;
  // Narrowed for TypeScript: `applicable` already let only the kinds of the table's `on` through.
  const server = entry instanceof StreamSocket ? undefined : entry;
  const listener = entry instanceof ListenerSocket ? entry : undefined;
  switch (id) {
    case OptionId.address:
      return slot.replyText(0, localAddress(entry), TEXT_VALUE);
    case OptionId.backlog:
      return slot.reply(server!.backlog);
    case OptionId.family:
      if (entry instanceof StreamSocket) {
        if (entry.unixAddress !== undefined && entry.socket.remoteFamily === undefined) return slot.reply(0); // Unix-domain: neither
        return slot.reply(entry.socket.remoteFamily === 'IPv6' ? 6 : 4);
      }
      return slot.reply(entry.family);
    case OptionId.reuseaddr:
      return slot.reply(1);
    case OptionId.mode:
      return slot.reply(server!.mode);
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
    case OptionId.alpn:
      if (server !== undefined) return slot.replyText(0, server.tls.alpn.join(','), TEXT_VALUE);
      return tlsInformation(slot, entry);
    case OptionId.servername:
      return tlsInformation(slot, entry);
    case OptionId.verifyclient:
      return slot.reply(server!.tls.verifyClient);
    case OptionId.certreload:
      return slot.reply(server!.tls.reloads);
    case OptionId.tlsminversion:
    case OptionId.ciphers:
      return slot.replyText(0, id === OptionId.ciphers ? server!.tls.ciphers : server!.tls.minVersion, TEXT_VALUE);
    case OptionId.clientca:
    case OptionId.sni:
      return slot.replyText(0, id === OptionId.sni ? server!.tls.sniSource : server!.tls.clientCa, TEXT_VALUE);
    case OptionId.proxy:
    case OptionId.proxytimeout:
    case OptionId.proxyrefused:
      return slot.reply(id === OptionId.proxy ? Number(server!.proxy.enabled) : id === OptionId.proxytimeout ? server!.proxy.timeoutMs : server!.proxy.refused);
    case OptionId.listenfd:
      return slot.reply((entry as UnboundSocket).listenFd ?? -1);
    case OptionId.heldfd:
      return slot.reply((entry as UnboundSocket).heldFd ?? -1);
    case OptionId.held:
      return slot.reply(listener!.held.count);
    case OptionId.accepting:
      return slot.reply(listener!.accepting ? 1 : 0);
    case OptionId.queued:
    case OptionId.refused:
      return slot.reply(id === OptionId.queued ? listener!.queued : listener!.refused);
    case OptionId.handshakes:
    case OptionId.handshaketimeout:
      return slot.reply(id === OptionId.handshakes ? server!.handshakeLimits.maxInFlight : server!.handshakeLimits.timeoutMs);
    case OptionId.handshaking:
    case OptionId.abandoned:
      return slot.reply(id === OptionId.handshaking ? listener!.handshakes.inProgress : listener!.handshakes.abandoned);
    default:
      return slot.reply(ErrorCode.InvalidArgument);
  }
}

function localAddress(entry: SocketEntry): string {
  if (entry instanceof UnboundSocket) return entry.address ?? '';
  if (entry instanceof StreamSocket) return entry.unixAddress ?? entry.socket.localAddress ?? '';
  if (entry instanceof DatagramSocket) return entry.socket.address().address;
  return entry.unixAddress ?? (entry.server.address() as { address?: string } | null)?.address ?? '';
}

function tlsInformation(slot: EngineSlot, entry: SocketEntry): void {
  if (!(entry instanceof StreamSocket) || !entry.secure) return slot.reply(ErrorCode.NotSecure);
  const socket = entry.socket as TLSSocket;
  let text: string;
  if (slot.arg0 === OptionId.tlsversion) text = socket.getProtocol() ?? '';
  else if (slot.arg0 === OptionId.cipher) text = socket.getCipher()?.name ?? '';
  else if (slot.arg0 === OptionId.alpn) text = socket.alpnProtocol || ''; // false when none was chosen
  else if (slot.arg0 === OptionId.servername) text = typeof socket.servername === 'string' ? socket.servername : '';
  else {
    const subject = socket.getPeerCertificate()?.subject as Record<string, string | string[]> | undefined;
    text = subject === undefined ? '' : Object.entries(subject).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  }
  slot.replyText(0, text, TEXT_VALUE);
}

/**
 * 'tlsminversion', 'ciphers', 'alpn' on a listener (or a socket from TCPSocket): the policy
 * of its new handshakes. The commands checked the names' form; OpenSSL checks the cipher list.
 */
function setServerPolicy(slot: EngineSlot, tls: ServerTls, id: number): void {
  const text = slot.text().trim();
  if (id === OptionId.alpn) {
    const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
    if (names.some((name) => Buffer.byteLength(name) > 255 || /[\u0000-\u0020\u007f]/.test(name))) return slot.reply(ErrorCode.InvalidArgument);
    tls.alpn = names;
    return slot.reply(0);
  }
  const version = id === OptionId.tlsminversion ? tlsVersionNamed(text) : tls.minVersion;
  if (version === undefined) return slot.reply(ErrorCode.InvalidArgument);
  const problem = tls.setPolicy(version, id === OptionId.ciphers ? text : tls.ciphers);
  return problem === undefined ? slot.reply(0) : slot.replyText(ErrorCode.TlsError, problem);
}
