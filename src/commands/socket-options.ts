/**
 * TCPSetOption(socket, name, value) and TCPGetOption(socket, name).
 *
 * Socket 0 holds this thread's defaults for the connections it makes with TCPConnect
 * (nodelay, keepalive, keepalivedelay, timeout, sndbuf, rcvbuf, family) and its
 * connecttimeout, as TCPGetMyAddr(0) means "this machine": a connection that does not
 * exist yet has no number to set options on.
 * It also holds the thread's client side of TLS, text options (cert, key, passphrase,
 * pfx, tlsminversion, ciphers, alpn: client-tls-options.ts), checked when set.
 */
import { ErrorCode } from '../errors.js';
import { hostArgument } from './host-name.js';
import { INFINITE, OptionId, OptionKind, type OptionSpec, optionNamed, Sockets, TEXT_VALUE } from '../option-table.js';
import { Op } from '../protocol.js';
import { clientTlsOption, isClientTlsOption, setClientTlsOption } from './client-tls-options.js';
import { command, localCommand, run } from './command.js';
import { noteSecureError } from './secure-error.js';
import { threadState } from './thread-state.js';
import { isFiniteNumber, socketOrZero } from './validate.js';

/** A socket option's value: a number (true and false count as 1 and 0), or text ('infinite', a file name, ...). */
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
  // true/false stand for 1/0 in switches (and numbers), not for a number of milliseconds.
  const number = typeof value === 'boolean' && option.kind !== OptionKind.Timeout ? (value ? 1 : 0) : value;
  if (!isFiniteNumber(number)) return { error: ErrorCode.WrongType };
  const min = option.kind === OptionKind.Integer ? (option.min ?? 0) : 0;
  const max = option.kind === OptionKind.Integer ? (option.max ?? 0x7fffffff) : option.kind === OptionKind.Flag ? 1 : 0x7fffffff;
  if (!Number.isInteger(number) || number < min || number > max) return { error: ErrorCode.InvalidArgument };
  if (option.accepts !== undefined && !option.accepts(number)) return { error: ErrorCode.InvalidArgument };
  return number;
}

/** The rule of an option's name: a string (-501) that names one (-10042). */
function optionName(name: unknown): number {
  if (typeof name !== 'string') return ErrorCode.WrongType;
  return optionNamed(name) === undefined ? ErrorCode.UnknownOption : 0;
}

/** The value TCPSetOption would set, as it travels (INFINITE is -1: errors come as objects), checked against its option. */
function settable(socket: unknown, name: unknown, value: unknown): number | string | { error: number } {
  const option = optionNamed(name as string)!;
  if (option.readOnly === true) return { error: ErrorCode.InvalidArgument };
  const encoded = encodeValue(option, value);
  if (typeof encoded === 'object') return encoded;
  if (option.id === OptionId.address && typeof value === 'string' && value.trim() !== '') {
    const host = hostArgument(value); // TCPBind's address: the host checks of TCPConnect
    if (typeof host === 'number') return { error: host };
  }
  if (socket === 0 && (((option.setOn ?? option.on) & Sockets.Thread) === 0 || (typeof encoded !== 'number' && !isClientTlsOption(option)))) {
    return { error: ErrorCode.InvalidArgument };
  }
  return encoded;
}

const SET_OPTION_RULES = {
  name: 'TCPSetOption', min: 3, max: 3,
  rules: [[0, socketOrZero], [1, optionName]],
  across: (socket: unknown, name: unknown, value: unknown) => {
    const encoded = settable(socket, name, value);
    return typeof encoded === 'object' ? encoded.error : 0;
  },
} as const;

const SET_OPTION = command({
  ...SET_OPTION_RULES,
  core: (channel, socket: number, name: string, value: unknown) => {
    const option = optionNamed(name)!;
    const encoded = settable(socket, name, value);
    if (typeof encoded === 'object') return encoded.error; // not after the rules passed
    if (typeof encoded === 'string') {
      if (Buffer.byteLength(encoded) > channel.data.length) return ErrorCode.InvalidArgument;
      const length = channel.data.write(encoded, 0, 'utf8');
      // A certificate or key that does not make a TLS server: -1021, the reason kept.
      return noteSecureError(channel, channel.call(Op.SetOption, socket, option.id, 0, 0, length));
    }
    // verifyclient with no CA to verify against: -1021, the reason kept too.
    return noteSecureError(channel, channel.call(Op.SetOption, socket, option.id, encoded));
  },
});

/** Socket 0's options are this thread's defaults for the connections it makes: no engine involved. */
const SET_THREAD_DEFAULT = localCommand({
  ...SET_OPTION_RULES,
  local: (socket: 0, name: string, value: unknown) => {
    const option = optionNamed(name)!;
    const encoded = settable(socket, name, value);
    // The TLS text options are checked now (a bad file, a wrong passphrase: -1021).
    // A passphrase is taken as given: spaces around it are part of it.
    if (typeof encoded === 'string') return setClientTlsOption(option, option.id === OptionId.passphrase ? (value as string) : encoded);
    threadState.connectionDefaults.set(option.id, encoded as number);
    return 0;
  },
});

/**
 * Sets a socket option, HALCON-style generic parameters: on a connection (nodelay,
 * keepalive, keepalivedelay, timeout, sndbuf, rcvbuf, encoding), on a TCPSocket socket or
 * a listener before TCPBind (address, family, mode, backlog, proxy, TLS cert/key, ...), on
 * socket 0 for this thread's later connections (the connection options, connecttimeout,
 * family, and the client side of TLS: cert, key, passphrase, pfx, tlsminversion, ciphers,
 * alpn), or on datagram sockets (broadcast, ttl, multicast options). Names are
 * case-insensitive; time-outs are milliseconds or 'infinite'.
 * @param socket - a socket number, or 0 for this thread's defaults
 * @param name - the option's name, e.g. 'timeout'
 * @param value - a number (true and false count as 1 and 0), 'infinite' for a time-out, or text
 * @returns 0, or an error code: -10042 an unknown name, -501 a name or value of the wrong type, -10022 a value out of range or an option that does not apply to this kind of socket (or can no longer be set, or is read-only), -1021 a TLS file or key that cannot work (WebDevGetSecureError() says why), -10045 reuseaddr 0, -509 an unknown or closed socket
 */
export function TCPSetOption(socket: number, name: string, value: OptionValue): number {
  if (socket === 0) return run(SET_THREAD_DEFAULT, arguments.length, socket, name, value);
  return run(SET_OPTION, arguments.length, socket, name, value);
}

const GET_OPTION_RULES = {
  name: 'TCPGetOption', min: 2, max: 2,
  rules: [[0, socketOrZero], [1, optionName]],
} as const;

const GET_OPTION = command({
  ...GET_OPTION_RULES,
  core: (channel, socket: number, name: string): number | string => {
    const option = optionNamed(name)!;
    const result = channel.call(Op.GetOption, socket, option.id);
    if (result < 0) return result;
    if (option.nameOf !== undefined) return option.nameOf(result);
    return channel.replyArg === TEXT_VALUE ? channel.replyText() : result;
  },
});

const GET_THREAD_DEFAULT = localCommand({
  ...GET_OPTION_RULES,
  local: (_socket: 0, name: string): number | string => {
    const option = optionNamed(name)!;
    if ((option.on & Sockets.Thread) === 0) return ErrorCode.InvalidArgument;
    if (isClientTlsOption(option)) return clientTlsOption(option);
    // What the thread set, else what every socket starts with (family and connecttimeout: 0).
    const value = threadState.connectionDefaults.get(option.id) ?? option.connection?.initial ?? 0;
    if (option.nameOf !== undefined) return option.nameOf(value);
    return value === INFINITE ? 'infinite' : value;
  },
});

/**
 * An option's current value: what the engine holds (the value last set, which it gave to
 * node), or a read-only figure (queued, refused, held, secure, tlsversion, dropped, ...).
 * @param socket - a socket number, or 0 for this thread's defaults
 * @param name - the option's name, case-insensitive
 * @returns the value (a number, or text such as 'infinite' or a file name), or an error code: -10042 an unknown name, -10022 an option that does not apply to this kind of socket, -1014 a TLS option of a plain socket, -501 a name that is not a string, -509 an unknown or closed socket
 */
export function TCPGetOption(socket: number, name: string): OptionValue {
  if (socket === 0) return run(GET_THREAD_DEFAULT, arguments.length, socket, name);
  return run(GET_OPTION, arguments.length, socket, name);
}
