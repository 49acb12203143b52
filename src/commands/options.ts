/**
 * TCPSetOption(socket, name, value) and TCPGetOption(socket, name).
 *
 * Socket 0 holds this thread's defaults for the connections it makes with TCPConnect
 * (nodelay, keepalive, keepalivedelay, timeout, sndbuf, rcvbuf, family) and its
 * connecttimeout, as TCPGetMyAddr(0) means "this machine": a connection that does not
 * exist yet has no number to set options on.
 */
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { hostArgument } from './host-name.js';
import { INFINITE, OPTIONS, OptionKind, type OptionSpec, optionNamed, TEXT_VALUE } from '../options.js';
import { defaultConnectionOptions } from '../engine/connection-options.js';
import { NO_TIMEOUT, Op } from '../protocol.js';
import { report } from './report.js';
import { noteSecureError } from './secure-error.js';
import { threadState } from './thread-state.js';
import { checkCount, checkSocket, isFiniteNumber } from './validate.js';

export type OptionValue = number | string | boolean;

/**
 * An option's value as it travels (an integer, or a string for text options), or an
 * error code: -501 wrong type, -10022 out of range.
 */
function encodeValue(option: OptionSpec, value: unknown): number | string | { error: number } {
  if (option.kind === OptionKind.Text) return typeof value === 'string' ? value.trim() : { error: ErrorCode.WrongType };
  if (option.kind === OptionKind.Named) {
    if (typeof value !== 'string') return { error: ErrorCode.WrongType };
    return option.idOf?.(value.trim()) ?? { error: ErrorCode.InvalidArgument };
  }
  if (option.kind === OptionKind.Timeout && typeof value === 'string') {
    // Exactly the word (any case): ' infinite' is as wrong as ' 80' for a port.
    return value.toLowerCase() === 'infinite' ? INFINITE : { error: ErrorCode.InvalidArgument };
  }
  // true/false stand for 1/0 in switches, not for a number of milliseconds.
  const number = typeof value === 'boolean' && option.kind === OptionKind.Integer ? (value ? 1 : 0) : value;
  if (!isFiniteNumber(number)) return { error: ErrorCode.WrongType };
  const min = option.kind === OptionKind.Timeout ? 0 : (option.min ?? 0);
  const max = option.kind === OptionKind.Timeout ? 0x7fffffff : (option.max ?? 0x7fffffff);
  if (!Number.isInteger(number) || number < min || number > max) return { error: ErrorCode.InvalidArgument };
  if (option.accepts !== undefined && !option.accepts(number)) return { error: ErrorCode.InvalidArgument };
  return number;
}

/**
 * Sets a socket option (see the README's option table). Unknown names give -10042, a
 * value of the wrong type -501, out of range -10022, an option that does not apply to
 * this kind of socket (or can no longer be set) -10022.
 */
export function TCPSetOption(socket: number, name: string, value: OptionValue): number {
  return report('TCPSetOption', setOption(arguments.length, socket, name, value));
}

function setOption(count: number, socket: unknown, name: unknown, value: unknown): number {
  const countError = checkCount(count, 3, 3);
  if (countError !== 0) return countError;
  if (socket !== 0) {
    const socketError = checkSocket(socket);
    if (socketError !== 0) return socketError;
  }
  if (typeof name !== 'string') return ErrorCode.WrongType;
  const option = optionNamed(name);
  if (option === undefined) return ErrorCode.UnknownOption;
  if (option.readOnly === true) return ErrorCode.InvalidArgument;
  const encoded = encodeValue(option, value);
  if (typeof encoded === 'object') return encoded.error;
  if (option.id === OPTIONS.address.id && typeof value === 'string' && value.trim() !== '') {
    const host = hostArgument(value); // TCPBind's address: the host checks of TCPConnect
    if (typeof host === 'number') return host;
  }
  if (socket === 0) {
    if (option.threadDefault !== true || typeof encoded !== 'number') return ErrorCode.InvalidArgument;
    threadState.connectionDefaults.set(option.id, encoded);
    return 0;
  }
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  if (typeof encoded === 'string') {
    if (Buffer.byteLength(encoded) > channel.data.length) return ErrorCode.InvalidArgument;
    const length = channel.data.write(encoded, 0, 'utf8');
    // A certificate or key that does not make a TLS server: -1021, the reason kept.
    return noteSecureError(channel, channel.call(Op.SetOption, socket as number, option.id, 0, 0, length));
  }
  return channel.call(Op.SetOption, socket as number, option.id, encoded);
}

/** An option's current value (a number, or a string such as 'infinite'), or an error code. */
export function TCPGetOption(socket: number, name: string): OptionValue {
  return report('TCPGetOption', getOption(arguments.length, socket, name));
}

function getOption(count: number, socket: unknown, name: unknown): number | string {
  const countError = checkCount(count, 2, 2);
  if (countError !== 0) return countError;
  if (socket !== 0) {
    const socketError = checkSocket(socket);
    if (socketError !== 0) return socketError;
  }
  if (typeof name !== 'string') return ErrorCode.WrongType;
  const option = optionNamed(name);
  if (option === undefined) return ErrorCode.UnknownOption;
  if (socket === 0) {
    if (option.threadDefault !== true) return ErrorCode.InvalidArgument;
    const value = threadState.connectionDefaults.get(option.id) ?? THREAD_DEFAULTS[option.id] ?? 0;
    if (option.nameOf !== undefined) return option.nameOf(value);
    return value === INFINITE ? 'infinite' : value;
  }
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const result = channel.call(Op.GetOption, socket as number, option.id);
  if (result < 0) return result;
  if (option.nameOf !== undefined) return option.nameOf(result);
  return channel.replyArg === TEXT_VALUE ? channel.replyText() : result;
}

/** What socket 0 reads when the thread set nothing: the engine's own defaults, from where they are set. */
const engineDefaults = defaultConnectionOptions();
const THREAD_DEFAULTS: Record<number, number> = {
  [optionNamed('nodelay')!.id]: engineDefaults.noDelay ? 1 : 0,
  [optionNamed('keepalive')!.id]: engineDefaults.keepAlive ? 1 : 0,
  [optionNamed('keepalivedelay')!.id]: engineDefaults.keepAliveDelayMs,
  [optionNamed('timeout')!.id]: engineDefaults.timeoutMs === NO_TIMEOUT ? INFINITE : engineDefaults.timeoutMs,
  [optionNamed('sndbuf')!.id]: engineDefaults.sendBufferBytes,
  [optionNamed('rcvbuf')!.id]: engineDefaults.receiveBufferBytes,
};
