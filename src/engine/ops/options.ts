/**
 * TCPSetOption / TCPGetOption in the engine. The commands have checked the name and the
 * value's type and range against src/options.ts; here each option meets the kinds of
 * socket it applies to (-10022 for the others, or when it is too late to set it).
 */
import type { TLSSocket } from 'node:tls';
import { ErrorCode } from '../../errors.js';
import { OptionId, TEXT_VALUE } from '../../options.js';
import type { Engine } from '../engine.js';
import { ListenerSocket } from '../listener-socket.js';
import type { EngineSlot } from '../slot.js';
import type { SocketEntry } from '../socket-table.js';
import { StreamSocket } from '../stream-socket.js';
import { UnboundSocket } from '../unbound-socket.js';

/** Arg0: option id; Arg1: an integer value; text values in the data area. */
export function setOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  switch (slot.arg0) {
    case OptionId.address:
      if (!(entry instanceof UnboundSocket) || entry.binding) return slot.reply(ErrorCode.InvalidArgument);
      entry.address = slot.text() === '' ? undefined : slot.text();
      return slot.reply(0);
    case OptionId.backlog:
      if (!(entry instanceof UnboundSocket) || entry.binding) return slot.reply(ErrorCode.InvalidArgument);
      entry.backlog = slot.arg1;
      return slot.reply(0);
    case OptionId.cert:
    case OptionId.key: {
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      const problem = entry.tls.set(slot.arg0 === OptionId.cert ? 'cert' : 'key', slot.text());
      return problem === undefined ? slot.reply(0) : slot.replyText(ErrorCode.TlsError, problem);
    }
    default:
      return slot.reply(ErrorCode.UnknownOption);
  }
}

export function getOption(slot: EngineSlot, engine: Engine): void {
  const entry = engine.entry(slot);
  if (entry === undefined) return;
  switch (slot.arg0) {
    case OptionId.address:
      return slot.replyText(0, localAddress(entry), TEXT_VALUE);
    case OptionId.backlog:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      return slot.reply(entry.backlog);
    case OptionId.cert:
    case OptionId.key:
      if (entry instanceof StreamSocket) return slot.reply(ErrorCode.InvalidArgument);
      return slot.replyText(0, slot.arg0 === OptionId.cert ? entry.tls.certSource : entry.tls.keySource, TEXT_VALUE);
    case OptionId.secure:
      if (entry instanceof StreamSocket) return slot.reply(entry.secure ? 1 : 0);
      return slot.reply(entry.tls.context === undefined ? 0 : 1);
    case OptionId.tlsversion:
    case OptionId.cipher:
    case OptionId.peercert:
      return tlsInformation(slot, entry);
    case OptionId.queued:
    case OptionId.refused:
      if (!(entry instanceof ListenerSocket)) return slot.reply(ErrorCode.InvalidArgument);
      return slot.reply(slot.arg0 === OptionId.queued ? entry.queued : entry.refused);
    default:
      return slot.reply(ErrorCode.UnknownOption);
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
