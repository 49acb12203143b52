// The one error table of the project (docs/troubleshooting.md lists the same, with what
// to do): the codes by name here, their texts below, and the mapping from Node's errors.

/**
 * The error codes by name (`ErrorCode.TimedOut` is -522). Omnis codes where Omnis has one, negated WinSock numbers for socket errors, so legacy
 * code that tests `if (result = -10035)` keeps working. Every command returns one of these
 * on failure; nothing else in the project invents a code.
 */
export const ErrorCode = {
  /** -1: No reply within the time-out (TCPPing). */
  NoReply: -1,
  /** -501: Parameter of the wrong type. */
  WrongType: -501,
  /** -503: Wrong number of parameters. */
  WrongCount: -503,
  /** -509: Invalid socket (unknown, already closed, or the wrong kind for this command). */
  InvalidSocket: -509,
  /** -511: No address given. */
  NoAddress: -511,
  /** -517: Invalid TCPClose option (0 complete, 1 half-close, 2 abort). */
  InvalidCloseOption: -517,
  /** -522: Timed out (comms time-out or the socket time-out). */
  TimedOut: -522,
  /** -1010: Out of memory or resource limit reached. */
  OutOfResources: -1010,
  /** -1014: Secure operation on a socket that is not secure. */
  NotSecure: -1014,
  /** -1021: TLS error (WebDevGetSecureError() gives the reason). */
  TlsError: -1021,
  /** -1030: Data format error: a bad format string, values that do not fit it, or a record cut short. */
  BadDataFormat: -1030,
  /** -10013: Permission denied. */
  PermissionDenied: -10013,
  /** -10022: Invalid argument. */
  InvalidArgument: -10022,
  /** -10024: Too many open sockets. */
  TooManySockets: -10024,
  /** -10035: Operation would block (non-blocking socket). */
  WouldBlock: -10035,
  /** -10040: Datagram too long: over the largest the family can carry (nothing sent), or longer than the receive buffer (its first bytes received, the rest discarded). */
  MessageTooLong: -10040,
  /** -10042: Unknown socket option. */
  UnknownOption: -10042,
  /** -10045: Operation not supported here (no ping program; an option value node cannot set). */
  NotSupported: -10045,
  /** -10048: Address already in use. */
  AddressInUse: -10048,
  /** -10049: Address not available. */
  AddressNotAvailable: -10049,
  /** -10050: Socket engine is down (it stopped or could not start). */
  EngineDown: -10050,
  /** -10051: Network is unreachable. */
  NetworkUnreachable: -10051,
  /** -10053: Connection aborted locally. */
  ConnectionAborted: -10053,
  /** -10054: Connection reset by peer. */
  ConnectionReset: -10054,
  /** -10056: Socket is connected: UDPSendTo on a datagram socket that has a default peer (UDPConnect); use TCPSend. */
  IsConnected: -10056,
  /** -10057: Socket is not connected. */
  NotConnected: -10057,
  /** -10058: Cannot send after the socket was half-closed. */
  SendAfterShutdown: -10058,
  /** -10060: Connection timed out (reported by the OS). */
  OsTimedOut: -10060,
  /** -10061: Connection refused. */
  ConnectionRefused: -10061,
  /** -10065: Host is unreachable. */
  HostUnreachable: -10065,
  /** -10109: Unknown service name. */
  UnknownService: -10109,
  /** -11001: Host not found. */
  HostNotFound: -11001,
  /** -11002: Temporary failure in name resolution; try again. */
  TryAgain: -11002,
} as const;

/** Any of the codes of ErrorCode. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

// A Map, not an object: a look-up by whatever the caller passed must never find
// Object.prototype's members (TCPErrorText('valueOf') once returned a function).
const texts = new Map<number, string>([
  [ErrorCode.NoReply, 'No reply within the time-out (TCPPing)'],
  [ErrorCode.WrongType, 'Parameter of the wrong type'],
  [ErrorCode.WrongCount, 'Wrong number of parameters'],
  [ErrorCode.InvalidSocket, 'Invalid socket (unknown, already closed, or the wrong kind for this command)'],
  [ErrorCode.NoAddress, 'No address given'],
  [ErrorCode.InvalidCloseOption, 'Invalid TCPClose option (0 complete, 1 half-close, 2 abort)'],
  [ErrorCode.TimedOut, 'Timed out (comms time-out or the socket time-out)'],
  [ErrorCode.OutOfResources, 'Out of memory or resource limit reached'],
  [ErrorCode.NotSecure, 'Secure operation on a socket that is not secure'],
  [ErrorCode.TlsError, 'TLS error (WebDevGetSecureError() gives the reason)'],
  [ErrorCode.BadDataFormat, 'Data format error: a bad format string, values that do not fit it, or a record cut short'],
  [ErrorCode.PermissionDenied, 'Permission denied'],
  [ErrorCode.InvalidArgument, 'Invalid argument'],
  [ErrorCode.TooManySockets, 'Too many open sockets'],
  [ErrorCode.MessageTooLong, 'Datagram too long: over the largest the family can carry (nothing sent), or longer than the receive buffer (its first bytes received, the rest discarded)'],
  [ErrorCode.WouldBlock, 'Operation would block (non-blocking socket)'],
  [ErrorCode.UnknownOption, 'Unknown socket option'],
  [ErrorCode.NotSupported, 'Operation not supported here (no ping program; an option value node cannot set)'],
  [ErrorCode.AddressInUse, 'Address already in use'],
  [ErrorCode.AddressNotAvailable, 'Address not available'],
  [ErrorCode.EngineDown, 'Socket engine is down (it stopped or could not start)'],
  [ErrorCode.NetworkUnreachable, 'Network is unreachable'],
  [ErrorCode.ConnectionAborted, 'Connection aborted locally'],
  [ErrorCode.ConnectionReset, 'Connection reset by peer'],
  [ErrorCode.IsConnected, 'Socket is connected: UDPSendTo on a datagram socket that has a default peer (UDPConnect); use TCPSend'],
  [ErrorCode.NotConnected, 'Socket is not connected'],
  [ErrorCode.SendAfterShutdown, 'Cannot send after the socket was half-closed'],
  [ErrorCode.OsTimedOut, 'Connection timed out (reported by the OS)'],
  [ErrorCode.ConnectionRefused, 'Connection refused'],
  [ErrorCode.HostUnreachable, 'Host is unreachable'],
  [ErrorCode.UnknownService, 'Unknown service name'],
  [ErrorCode.HostNotFound, 'Host not found'],
  [ErrorCode.TryAgain, 'Temporary failure in name resolution; try again'],
]);

/**
 * The text of any error code of the table. A code kept as text ('-10054', as legacy code
 * often holds it in a Character field) is the same code.
 * @param code - an error code, as a number or a numeric string
 * @returns the code's text, or `Unknown error code ...` for anything else (never throws)
 */
export function TCPErrorText(code: number | string): string {
  // Legacy code often keeps a code in a text variable: '-10054' is the same code.
  const key = typeof code === 'string' && /^\s*-?\d+\s*$/.test(code) ? Number(code) : code;
  // Anything else (a word, an object passed by mistake) is no code of the table.
  return (typeof key === 'number' ? texts.get(key) : undefined) ?? `Unknown error code ${String(code)}`;
}

export function isErrorCode(code: number): boolean {
  return texts.has(code);
}

/**
 * Every error code with its text, for documentation and tests.
 * @returns `[{ code, text }]`, in the order of the codes (-1 first)
 */
export function errorTable(): Array<{
  /** The code, negative (-1 for TCPPing's no reply). */
  code: number;
  /** Its text, as TCPErrorText gives it. */
  text: string;
}> {
  return [...texts]
    .map(([code, text]) => ({ code, text }))
    .sort((a, b) => b.code - a.code);
}

/**
 * Where a Node/libuv error code becomes one of ours (the one place that does it).
 * Mirrors the errno classes node:net reports; see Node's lib/internal/errors.js.
 */
const fromNodeCode: Record<string, number> = {
  ECONNRESET: ErrorCode.ConnectionReset,
  EPIPE: ErrorCode.ConnectionReset,
  ECONNREFUSED: ErrorCode.ConnectionRefused,
  ECONNABORTED: ErrorCode.ConnectionAborted,
  ETIMEDOUT: ErrorCode.OsTimedOut,
  EADDRINUSE: ErrorCode.AddressInUse,
  EADDRNOTAVAIL: ErrorCode.AddressNotAvailable,
  EAFNOSUPPORT: ErrorCode.AddressNotAvailable,
  EACCES: ErrorCode.PermissionDenied,
  EMSGSIZE: ErrorCode.MessageTooLong,
  EPERM: ErrorCode.PermissionDenied,
  EMFILE: ErrorCode.TooManySockets,
  ENFILE: ErrorCode.TooManySockets,
  ENETUNREACH: ErrorCode.NetworkUnreachable,
  ENETDOWN: ErrorCode.NetworkUnreachable,
  EHOSTUNREACH: ErrorCode.HostUnreachable,
  EHOSTDOWN: ErrorCode.HostUnreachable,
  ENOTFOUND: ErrorCode.HostNotFound,
  ENODATA: ErrorCode.HostNotFound,
  EAI_NONAME: ErrorCode.HostNotFound,
  EAI_FAIL: ErrorCode.HostNotFound,
  EAI_AGAIN: ErrorCode.TryAgain,
  ENOTCONN: ErrorCode.NotConnected,
  EINVAL: ErrorCode.InvalidArgument,
  ENOMEM: ErrorCode.OutOfResources,
  ENOBUFS: ErrorCode.OutOfResources,
  ERR_STREAM_WRITE_AFTER_END: ErrorCode.SendAfterShutdown,
  ERR_STREAM_DESTROYED: ErrorCode.ConnectionAborted,
  ERR_SOCKET_CLOSED: ErrorCode.ConnectionAborted,
  ERR_SOCKET_CONNECTION_TIMEOUT: ErrorCode.TimedOut,
};

/**
 * Maps an error thrown or emitted by node:net / node:dns to a code of the table.
 * Happy-eyeballs connects report an AggregateError whose own code is empty: its first
 * inner error tells what happened. Unknown errors become -10053, "aborted locally".
 */
export function codeFromError(error: unknown, fallback: number = ErrorCode.ConnectionAborted): number {
  if (typeof error !== 'object' || error === null) return fallback;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && Object.hasOwn(fromNodeCode, code)) return fromNodeCode[code]!;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return codeFromError(inner[0], fallback);
  return fallback;
}

/** A non-blocking system call found nothing to do (EAGAIN): not an error, a retry later. */
export function isWouldBlock(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}
