/**
 * TCPSetOption / TCPGetOption on a datagram socket (UDPOpen's): the option table's
 * `Sockets.Datagram` rows. node's dgram setters throw on a value the kernel refuses:
 * that is the command's code, not an engine failure.
 */
import { codeFromError, ErrorCode } from '../../errors.js';
import { INFINITE, OptionId, type OptionSpec, TEXT_VALUE } from '../../option-table.js';
import { connectionOption, setConnectionOption } from '../connection-defaults.js';
import type { DatagramSocket } from '../datagram-socket.js';
import type { EngineSlot } from '../slot.js';

export function setDatagramOption(slot: EngineSlot, datagram: DatagramSocket, option: OptionSpec): void {
  const value = slot.arg1;
  const socket = datagram.socket;
  const saved = datagram.settings;
  try {
    if (option.connection !== undefined) {
      setConnectionOption(datagram.options, option, value);
      if (option.id === OptionId.rcvbuf || option.id === OptionId.sndbuf) datagram.applyBufferSizes();
      if (option.id === OptionId.timeout) datagram.timeoutChanged();
      return slot.reply(0);
    }
    switch (option.id) {
      case OptionId.broadcast:
        socket.setBroadcast(value === 1);
        datagram.broadcast = value === 1;
        break;
      case OptionId.ttl:
        socket.setTTL(value);
        saved.ttl = value;
        break;
      case OptionId.multicastttl:
        socket.setMulticastTTL(value);
        saved.multicastTtl = value;
        break;
      case OptionId.multicastloop:
        socket.setMulticastLoopback(value === 1);
        saved.multicastLoop = value === 1;
        break;
      case OptionId.multicastinterface:
        socket.setMulticastInterface(slot.text());
        saved.multicastInterface = slot.text();
        break;
      default:
        return slot.reply(ErrorCode.InvalidArgument); // address, family, reuseaddr: fixed at UDPOpen
    }
  } catch (error) {
    return slot.reply(codeFromError(error, ErrorCode.InvalidArgument));
  }
  slot.reply(0);
}

export function getDatagramOption(slot: EngineSlot, datagram: DatagramSocket, option: OptionSpec): void {
  if (option.connection !== undefined) {
    const value = connectionOption(datagram.options, option);
    return value === INFINITE ? slot.replyText(0, 'infinite', TEXT_VALUE) : slot.reply(value);
  }
  const saved = datagram.settings;
  switch (option.id) {
    case OptionId.address:
      return slot.replyText(0, datagram.socket.address().address, TEXT_VALUE);
    case OptionId.family:
      return slot.reply(datagram.family);
    case OptionId.reuseaddr:
      return slot.reply(datagram.reuseAddr ? 1 : 0);
    case OptionId.broadcast:
      return slot.reply(datagram.broadcast ? 1 : 0);
    case OptionId.ttl:
      return slot.reply(saved.ttl);
    case OptionId.multicastttl:
      return slot.reply(saved.multicastTtl);
    case OptionId.multicastloop:
      return slot.reply(saved.multicastLoop ? 1 : 0);
    case OptionId.multicastinterface:
      return slot.replyText(0, saved.multicastInterface, TEXT_VALUE);
    case OptionId.dropped:
      return slot.reply(datagram.dropped);
    default:
      return slot.reply(ErrorCode.InvalidArgument);
  }
}
