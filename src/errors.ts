/**
 * The one error table of the project (docs/troubleshooting.md lists the same, with what to do).
 *
 * Omnis codes where Omnis has one, negated WinSock numbers for socket errors, so legacy
 * code that tests `if (result = -10035)` keeps working. Every command returns one of these
 * on failure; nothing else in the project invents a code.
 */
export const ErrorCode = {
  NoReply: -1,
  WrongType: -501,
  WrongCount: -503,
  InvalidSocket: -509,
  NoAddress: -511,
  InvalidCloseOption: -517,
  TimedOut: -522,
  OutOfResources: -1010,
  NotSecure: -1014,
  TlsError: -1021,
  BadDataFormat: -1030,
  PermissionDenied: -10013,
  InvalidArgument: -10022,
  TooManySockets: -10024,
  WouldBlock: -10035,
  MessageTooLong: -10040,
  UnknownOption: -10042,
  NotSupported: -10045,
  AddressInUse: -10048,
  AddressNotAvailable: -10049,
  EngineDown: -10050,
  NetworkUnreachable: -10051,
  ConnectionAborted: -10053,
  ConnectionReset: -10054,
  IsConnected: -10056,
  NotConnected: -10057,
  SendAfterShutdown: -10058,
  OsTimedOut: -10060,
  ConnectionRefused: -10061,
  HostUnreachable: -10065,
  UnknownService: -10109,
  HostNotFound: -11001,
  TryAgain: -11002,
} as const;

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
export function errorTable(): Array<{ code: number; text: string }> {
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
