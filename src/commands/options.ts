/** TCPSetOption(socket, name, value) and TCPGetOption(socket, name). */
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { OptionKind, optionNamed, TEXT_VALUE } from '../options.js';
import { Op } from '../protocol.js';
import { report } from './report.js';
import { noteSecureError } from './secure-error.js';
import { checkCount, checkSocket, isFiniteNumber } from './validate.js';

export type OptionValue = number | string | boolean;

/**
 * Sets a socket option (see the README's option table). Unknown names give -10042, a
 * value of the wrong type -501, out of range -10022, an option that does not apply to
 * this kind of socket (or no longer can be set) -10022.
 */
export function TCPSetOption(socket: number, name: string, value: OptionValue): number {
  return report('TCPSetOption', setOption(arguments.length, socket, name, value));
}

function setOption(count: number, socket: unknown, name: unknown, value: unknown): number {
  const countError = checkCount(count, 3, 3);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (typeof name !== 'string') return ErrorCode.WrongType;
  const option = optionNamed(name);
  if (option === undefined) return ErrorCode.UnknownOption;
  if (option.readOnly === true) return ErrorCode.InvalidArgument;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  if (option.kind === OptionKind.Text) {
    if (typeof value !== 'string') return ErrorCode.WrongType;
    if (Buffer.byteLength(value) > channel.data.length) return ErrorCode.InvalidArgument;
    const length = channel.data.write(value.trim(), 0, 'utf8');
    // A certificate or key that does not make a TLS server: -1021, the reason kept.
    return noteSecureError(channel, channel.call(Op.SetOption, socket as number, option.id, 0, 0, 0, length));
  }
  if (!isFiniteNumber(value)) return ErrorCode.WrongType;
  if (!Number.isInteger(value) || value < (option.min ?? 0) || value > (option.max ?? 0x7fffffff)) {
    return ErrorCode.InvalidArgument;
  }
  return channel.call(Op.SetOption, socket as number, option.id, value);
}

/** An option's current value (a number or a string), or an error code. */
export function TCPGetOption(socket: number, name: string): OptionValue {
  return report('TCPGetOption', getOption(arguments.length, socket, name));
}

function getOption(count: number, socket: unknown, name: unknown): number | string {
  const countError = checkCount(count, 2, 2);
  if (countError !== 0) return countError;
  const socketError = checkSocket(socket);
  if (socketError !== 0) return socketError;
  if (typeof name !== 'string') return ErrorCode.WrongType;
  const option = optionNamed(name);
  if (option === undefined) return ErrorCode.UnknownOption;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const result = channel.call(Op.GetOption, socket as number, option.id);
  if (result < 0) return result;
  return channel.replyArg === TEXT_VALUE ? channel.replyText() : result;
}
