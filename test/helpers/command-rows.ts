/**
 * One row per exported command for test/bad-input.test.ts: its calls with a wrong count
 * (-503), a wrong type (-501), a bad socket (-509) and an out-of-range value (-10022, or
 * the command's own code for its range), or why a class does not apply to it. The test
 * lists the commands from the package's exports at run time, so a new command without a
 * row fails it.
 */
import * as api from '../../src/index.js';

const E = api.ErrorCode;

/** Calls as untyped legacy code makes them: wrong counts and types on purpose. */
type Loose = (...args: unknown[]) => unknown;
const loose = (command: unknown): Loose => command as Loose;

/** A call and the code it must give. */
export type Case = [label: string, call: () => unknown, code: number];
/** The cases of one class, or why the class does not apply to the command. */
export type Cases = Case[] | string;

export interface Row {
  count: Cases;
  type: Cases;
  socket: Cases;
  range: Cases;
}

/** What the rows aim at: a live connection whose bytes must survive every bad call. */
export interface Targets {
  socket: number;
  /** A socket number that is not open. */
  unknown: number;
  buffer: Uint8Array;
  /** A view over a buffer transferred away. */
  detached: Uint8Array;
}

/** The exported commands: TCP*, UDP* and WebDev* functions, and the async and event API's entry points. */
export function exportedCommands(): string[] {
  return Object.entries(api)
    .filter(([name, value]) => typeof value === 'function' && (/^(TCP|UDP|WebDev)/.test(name) || /Async$/.test(name)))
    .map(([name]) => name)
    .sort();
}

/** An event-API connection's first error code (0 once connected: it is then closed). */
function connectionCode(options: Partial<api.ConnectOptions>): Promise<number> {
  return new Promise((resolve) => {
    api.TCPConnection.connect({
      ...(options as api.ConnectOptions),
      onError: (_connection, code) => resolve(code),
      onConnection: (connection) => {
        connection.close();
        resolve(0);
      },
    });
  });
}

/** TCPListener.listen's failure as its code (it throws 'TCPListener: text (code)'); 0 when it listened. */
function listenCode(options: Partial<api.ListenOptions>): number {
  try {
    api.TCPListener.listen({ ...options, onConnection: () => null }).close();
    return 0;
  } catch (error) {
    return Number(/\((-?\d+)\)$/.exec((error as Error).message)?.[1]);
  }
}

/** UDPEndpoint.open's first error code (0 once open: it is then closed). */
function endpointCode(options: Partial<api.EndpointOptions>): Promise<number> {
  return new Promise((resolve) => {
    const endpoint = api.UDPEndpoint.open({ ...options, onMessage: () => {}, onError: (_endpoint, code) => resolve(code) });
    if (endpoint.socket > 0) {
      endpoint.close();
      resolve(0);
    }
  });
}

const NO_SOCKET = 'takes no socket';
const NO_RANGE = 'no argument with a range of values';

export function commandRows(t: Targets): Record<string, Row> {
  const { socket: s, unknown, buffer } = t;
  const socketCases = (call: (socket: unknown) => unknown): Case[] => [
    ['socket 0', () => call(0), E.InvalidSocket],
    ['socket -3', () => call(-3), E.InvalidSocket],
    ['socket 1.5', () => call(1.5), E.InvalidSocket],
    ['unknown socket', () => call(unknown), E.InvalidSocket],
  ];
  return {
    TCPConnect: {
      count: [['one argument', () => loose(api.TCPConnect)('127.0.0.1'), E.WrongCount], ['five', () => loose(api.TCPConnect)('127.0.0.1', 80, false, true, 1), E.WrongCount]],
      type: [['numeric host', () => loose(api.TCPConnect)(127, 80), E.WrongType], ['object port', () => loose(api.TCPConnect)('127.0.0.1', {}), E.WrongType]],
      socket: NO_SOCKET,
      range: [['port 65536', () => api.TCPConnect('127.0.0.1', 65536), E.InvalidArgument]],
    },
    TCPSend: {
      count: [['one argument', () => loose(api.TCPSend)(s), E.WrongCount]],
      type: [['number buffer', () => loose(api.TCPSend)(s, 123), E.WrongType], ['string socket', () => loose(api.TCPSend)(String(s), 'x'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPSend)(socket, 'x')),
      range: [['detached view', () => api.TCPSend(s, t.detached), E.InvalidArgument]],
    },
    TCPReceive: {
      count: [['four arguments', () => loose(api.TCPReceive)(s, buffer, 1, 2), E.WrongCount]],
      type: [['string buffer', () => loose(api.TCPReceive)(s, 'text'), E.WrongType], ['string maxbytes', () => loose(api.TCPReceive)(s, buffer, 'a'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPReceive)(socket, buffer)),
      range: [['maxbytes 0', () => api.TCPReceive(s, buffer, 0), E.InvalidArgument]],
    },
    TCPReceiveUntil: {
      count: [['one argument', () => loose(api.TCPReceiveUntil)(s), E.WrongCount], ['five', () => loose(api.TCPReceiveUntil)(s, buffer, '\n', 4, 5), E.WrongCount]],
      type: [['number delimiter', () => loose(api.TCPReceiveUntil)(s, buffer, 10), E.WrongType], ['string maxbytes', () => loose(api.TCPReceiveUntil)(s, buffer, '\n', 'a'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPReceiveUntil)(socket, buffer)),
      range: [['maxbytes 0', () => api.TCPReceiveUntil(s, buffer, '\n', 0), E.InvalidArgument], ['empty delimiter', () => api.TCPReceiveUntil(s, buffer, ''), E.InvalidArgument]],
    },
    TCPStartTLS: {
      count: [['no arguments', () => loose(api.TCPStartTLS)(), E.WrongCount], ['four', () => loose(api.TCPStartTLS)(s, true, 'x', 1), E.WrongCount]],
      type: [['string verify', () => loose(api.TCPStartTLS)(s, 'yes'), E.WrongType], ['number servername', () => loose(api.TCPStartTLS)(s, true, 5), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPStartTLS)(socket)),
      range: [['control character in servername', () => api.TCPStartTLS(s, true, 'a\u0001b'), E.InvalidArgument]],
    },
    TCPGetPeerCertificate: {
      count: [['one argument', () => loose(api.TCPGetPeerCertificate)(s), E.WrongCount], ['three', () => loose(api.TCPGetPeerCertificate)(s, {}, 1), E.WrongCount]],
      type: [['string holder', () => loose(api.TCPGetPeerCertificate)(s, 'x'), E.WrongType], ['null holder', () => loose(api.TCPGetPeerCertificate)(s, null), E.WrongType], ['string socket', () => loose(api.TCPGetPeerCertificate)(String(s), {}), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPGetPeerCertificate)(socket, {})),
      range: 'no numeric argument (a plain socket is -1014, tested in test/tls-client-certs.test.ts)',
    },
    UDPOpen: {
      count: [['three arguments', () => loose(api.UDPOpen)('', 0, 1), E.WrongCount]],
      type: [['numeric address', () => loose(api.UDPOpen)(127, 0), E.WrongType], ['object port', () => loose(api.UDPOpen)('', {}), E.WrongType]],
      socket: NO_SOCKET,
      range: [['port 65536', () => api.UDPOpen('127.0.0.1', 65536), E.InvalidArgument], ['an unknown UDP service', () => api.UDPOpen('127.0.0.1', 'no-such-service'), E.UnknownService]],
    },
    UDPSendTo: {
      count: [['three arguments', () => loose(api.UDPSendTo)(s, '127.0.0.1', 9), E.WrongCount]],
      type: [['number buffer', () => loose(api.UDPSendTo)(s, '127.0.0.1', 9, 5), E.WrongType], ['numeric host', () => loose(api.UDPSendTo)(s, 127, 9, 'x'), E.WrongType]],
      socket: socketCases((socket) => loose(api.UDPSendTo)(socket, '127.0.0.1', 9, 'x')),
      range: [['port 0', () => api.UDPSendTo(s, '127.0.0.1', 0, 'x'), E.AddressNotAvailable], ['a stream socket', () => api.UDPSendTo(s, '127.0.0.1', 9, 'x'), E.InvalidArgument]],
    },
    UDPReceiveFrom: {
      count: [['one argument', () => loose(api.UDPReceiveFrom)(s), E.WrongCount]],
      type: [['number buffer', () => loose(api.UDPReceiveFrom)(s, 5), E.WrongType], ['string from', () => loose(api.UDPReceiveFrom)(s, buffer, 'from'), E.WrongType]],
      socket: socketCases((socket) => loose(api.UDPReceiveFrom)(socket, buffer)),
      range: [['a frozen from', () => api.UDPReceiveFrom(s, buffer, Object.freeze({})), E.InvalidArgument], ['a stream socket', () => api.UDPReceiveFrom(s, buffer), E.InvalidArgument]],
    },
    UDPConnect: {
      count: [['two arguments', () => loose(api.UDPConnect)(s, '127.0.0.1'), E.WrongCount]],
      type: [['object port', () => loose(api.UDPConnect)(s, '127.0.0.1', {}), E.WrongType]],
      socket: socketCases((socket) => loose(api.UDPConnect)(socket, '127.0.0.1', 9)),
      range: [['port 65536', () => api.UDPConnect(s, '127.0.0.1', 65536), E.InvalidArgument], ['a stream socket', () => api.UDPConnect(s, '127.0.0.1', 9), E.InvalidArgument]],
    },
    UDPJoinGroup: {
      count: [['one argument', () => loose(api.UDPJoinGroup)(s), E.WrongCount]],
      type: [['numeric group', () => loose(api.UDPJoinGroup)(s, 239), E.WrongType]],
      socket: socketCases((socket) => loose(api.UDPJoinGroup)(socket, '239.255.0.1')),
      range: [['empty group', () => api.UDPJoinGroup(s, ''), E.NoAddress], ['a stream socket', () => api.UDPJoinGroup(s, '239.255.0.1'), E.InvalidArgument]],
    },
    UDPLeaveGroup: {
      count: [['four arguments', () => loose(api.UDPLeaveGroup)(s, '239.255.0.1', '', 1), E.WrongCount]],
      type: [['numeric interface', () => loose(api.UDPLeaveGroup)(s, '239.255.0.1', 5), E.WrongType]],
      socket: socketCases((socket) => loose(api.UDPLeaveGroup)(socket, '239.255.0.1')),
      range: [['a stream socket', () => api.UDPLeaveGroup(s, '239.255.0.1'), E.InvalidArgument]],
    },
    TCPClose: {
      count: [['no arguments', () => loose(api.TCPClose)(), E.WrongCount], ['three', () => loose(api.TCPClose)(s, 0, 1), E.WrongCount]],
      type: [['string option', () => loose(api.TCPClose)(s, 'a'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPClose)(socket)),
      range: [['option 3', () => api.TCPClose(s, 3), E.InvalidCloseOption]],
    },
    TCPBlock: {
      count: [['one argument', () => loose(api.TCPBlock)(s), E.WrongCount]],
      type: [['string option', () => loose(api.TCPBlock)(s, 'x'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPBlock)(socket, 0)),
      range: 'a flag: any number or boolean',
    },
    TCPGetMyAddr: {
      count: [['three arguments', () => loose(api.TCPGetMyAddr)(s, false, 1), E.WrongCount]],
      type: [['string socket', () => loose(api.TCPGetMyAddr)('a'), E.WrongType], ['string flag', () => loose(api.TCPGetMyAddr)(s, 'x'), E.WrongType]],
      // Socket 0 means this machine here.
      socket: socketCases((socket) => loose(api.TCPGetMyAddr)(socket)).filter(([label]) => label !== 'socket 0'),
      range: NO_RANGE,
    },
    TCPGetMyPort: {
      count: [['no arguments', () => loose(api.TCPGetMyPort)(), E.WrongCount]],
      type: [['string socket', () => loose(api.TCPGetMyPort)('a'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPGetMyPort)(socket)),
      range: NO_RANGE,
    },
    TCPGetRemoteAddr: {
      count: [['two arguments', () => loose(api.TCPGetRemoteAddr)(s, 1), E.WrongCount]],
      type: [['null socket', () => loose(api.TCPGetRemoteAddr)(null), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPGetRemoteAddr)(socket)),
      range: NO_RANGE,
    },
    TCPGetRemotePort: {
      count: [['two arguments', () => loose(api.TCPGetRemotePort)(s, 1), E.WrongCount]],
      type: [['NaN socket', () => api.TCPGetRemotePort(NaN), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPGetRemotePort)(socket)),
      range: NO_RANGE,
    },
    TCPSocket: {
      count: [['one argument', () => loose(api.TCPSocket)(1), E.WrongCount]],
      type: 'takes no arguments',
      socket: NO_SOCKET,
      range: NO_RANGE,
    },
    TCPBind: {
      count: [['one argument', () => loose(api.TCPBind)(s), E.WrongCount]],
      type: [['object port', () => loose(api.TCPBind)(s, {}), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPBind)(socket, 0)),
      range: [['port 65536', () => api.TCPBind(s, 65536), E.InvalidArgument]],
    },
    TCPListen: {
      count: [['no arguments', () => loose(api.TCPListen)(), E.WrongCount]],
      type: [['string socket', () => loose(api.TCPListen)('1'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPListen)(socket)),
      range: NO_RANGE,
    },
    TCPAccept: {
      count: [['two arguments', () => loose(api.TCPAccept)(s, 1), E.WrongCount]],
      type: [['string socket', () => loose(api.TCPAccept)('1'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPAccept)(socket)),
      range: NO_RANGE,
    },
    TCPSetOption: {
      count: [['two arguments', () => loose(api.TCPSetOption)(s, 'nodelay'), E.WrongCount]],
      type: [['number name', () => loose(api.TCPSetOption)(s, 5, 1), E.WrongType], ['string value', () => loose(api.TCPSetOption)(s, 'sndbuf', 'big'), E.WrongType]],
      // Socket 0 holds the thread's defaults here.
      socket: socketCases((socket) => loose(api.TCPSetOption)(socket, 'nodelay', 1)).filter(([label]) => label !== 'socket 0'),
      range: [['sndbuf 1', () => api.TCPSetOption(s, 'sndbuf', 1), E.InvalidArgument], ['unknown name', () => api.TCPSetOption(s, 'nosuch', 1), E.UnknownOption]],
    },
    TCPGetOption: {
      count: [['one argument', () => loose(api.TCPGetOption)(s), E.WrongCount]],
      type: [['number name', () => loose(api.TCPGetOption)(s, 5), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPGetOption)(socket, 'nodelay')).filter(([label]) => label !== 'socket 0'),
      range: [['socket 0 has no secure option', () => api.TCPGetOption(0, 'secure'), E.InvalidArgument]],
    },
    TCPName2Addr: {
      count: [['no arguments', () => loose(api.TCPName2Addr)(), E.WrongCount]],
      type: [['number host', () => loose(api.TCPName2Addr)(5), E.WrongType], ['string flag', () => loose(api.TCPName2Addr)('localhost', 'x'), E.WrongType]],
      socket: NO_SOCKET,
      range: [['NUL in the name', () => api.TCPName2Addr('local\u0000host'), E.InvalidArgument]],
    },
    TCPAddr2Name: {
      count: [['no arguments', () => loose(api.TCPAddr2Name)(), E.WrongCount]],
      type: [['number address', () => loose(api.TCPAddr2Name)(5), E.WrongType]],
      socket: NO_SOCKET,
      range: [['a name, not an address', () => api.TCPAddr2Name('localhost'), E.InvalidArgument]],
    },
    TCPPing: {
      count: [['no arguments', () => loose(api.TCPPing)(), E.WrongCount], ['four', () => loose(api.TCPPing)('127.0.0.1', 56, 100, 1), E.WrongCount]],
      type: [['number host', () => loose(api.TCPPing)(5), E.WrongType], ['string size', () => loose(api.TCPPing)('127.0.0.1', 'big'), E.WrongType]],
      socket: NO_SOCKET,
      range: [['time-out -5', () => api.TCPPing('127.0.0.1', 56, -5), E.InvalidArgument]],
    },
    TCPSetTrustStore: {
      count: [['three arguments', () => loose(api.TCPSetTrustStore)('x', false, 1), E.WrongCount]],
      type: [['number folder', () => loose(api.TCPSetTrustStore)(5), E.WrongType], ['string flag', () => loose(api.TCPSetTrustStore)(undefined, 'x'), E.WrongType]],
      socket: NO_SOCKET,
      range: 'no numeric argument (an unreadable folder is the engine\'s -10022, and would change the process\'s trust store)',
    },
    TCPAvailable: {
      count: [['no arguments', () => loose(api.TCPAvailable)(), E.WrongCount]],
      type: [['string socket', () => loose(api.TCPAvailable)('1'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPAvailable)(socket)),
      range: NO_RANGE,
    },
    TCPWait: {
      count: [['three arguments', () => loose(api.TCPWait)(s, 1, 2), E.WrongCount]],
      type: [['object time-out', () => loose(api.TCPWait)(s, {}), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPWait)(socket, 0)),
      range: [['time-out -1', () => api.TCPWait(s, -1), E.InvalidArgument]],
    },
    TCPStats: {
      count: [['one argument', () => loose(api.TCPStats)(1), E.WrongCount]],
      type: 'takes no arguments',
      socket: NO_SOCKET,
      range: NO_RANGE,
    },
    TCPFlush: {
      count: [['no arguments', () => loose(api.TCPFlush)(), E.WrongCount]],
      type: [['string time-out', () => loose(api.TCPFlush)(s, 'soon'), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPFlush)(socket)),
      range: [['time-out 1.5', () => api.TCPFlush(s, 1.5), E.InvalidArgument]],
    },
    TCPReceiveFull: {
      count: [['two arguments', () => loose(api.TCPReceiveFull)(s, buffer), E.WrongCount]],
      type: [['string count', () => loose(api.TCPReceiveFull)(s, buffer, '4'), E.WrongType], ['string buffer', () => loose(api.TCPReceiveFull)(s, 'x', 4), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPReceiveFull)(socket, buffer, 4)),
      range: [['count 0', () => api.TCPReceiveFull(s, buffer, 0), E.InvalidArgument], ['count over the buffer', () => api.TCPReceiveFull(s, buffer, buffer.length + 1), E.InvalidArgument]],
    },
    TCPSendData: {
      count: [['two arguments', () => loose(api.TCPSendData)(s, 'B'), E.WrongCount]],
      type: [['values not an array', () => loose(api.TCPSendData)(s, 'B', 1), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPSendData)(socket, 'B', [1])),
      range: [['a value out of its format', () => api.TCPSendData(s, 'B', [300]), E.BadDataFormat], ['a bad format', () => api.TCPSendData(s, 'B%', [1]), E.BadDataFormat]],
    },
    TCPReceiveData: {
      count: [['one argument', () => loose(api.TCPReceiveData)(s), E.WrongCount]],
      type: [['number format', () => loose(api.TCPReceiveData)(s, 5), E.WrongType]],
      socket: socketCases((socket) => loose(api.TCPReceiveData)(socket, 'B')),
      range: [['a bad format', () => api.TCPReceiveData(s, 'B%'), E.BadDataFormat]],
    },
    WebDevSetConfig: {
      count: [['three arguments', () => loose(api.WebDevSetConfig)(undefined, 1, 2), E.WrongCount]],
      type: [['number errorproc', () => loose(api.WebDevSetConfig)(5), E.WrongType], ['infinite time-out', () => api.WebDevSetConfig(undefined, Infinity), E.WrongType]],
      socket: NO_SOCKET,
      range: [['time-out -1', () => api.WebDevSetConfig(undefined, -1), E.InvalidArgument]],
    },
    WebDevGetSecureError: {
      count: 'takes no arguments and returns text: extra ones are ignored, as in Omnis',
      type: 'takes no arguments',
      socket: NO_SOCKET,
      range: NO_RANGE,
    },
    TCPGetLastErrorDetail: {
      count: 'takes no arguments and returns text: extra ones are ignored, as WebDevGetSecureError',
      type: 'takes no arguments',
      socket: NO_SOCKET,
      range: NO_RANGE,
    },
    TCPErrorText: {
      count: 'takes anything and returns text (an unknown code is "Unknown error code ...")',
      type: 'takes anything and returns text',
      socket: NO_SOCKET,
      range: NO_RANGE,
    },
    connectAsync: {
      count: [['five arguments', () => loose(api.connectAsync)('127.0.0.1', 80, false, true, 1), E.WrongCount]],
      type: [['numeric host', () => loose(api.connectAsync)(127, 80), E.WrongType]],
      socket: NO_SOCKET,
      range: [['port 65536', () => api.connectAsync('127.0.0.1', 65536), E.InvalidArgument]],
    },
    acceptAsync: {
      count: 'an awaited form: extra arguments are ignored',
      type: [['string listener', () => loose(api.acceptAsync)('1'), E.WrongType]],
      socket: socketCases((socket) => loose(api.acceptAsync)(socket)),
      range: NO_RANGE,
    },
    receiveAsync: {
      count: 'an awaited form: extra arguments are ignored',
      type: [['string maxbytes', () => loose(api.receiveAsync)(s, 'a'), E.WrongType], ['NaN maxbytes', () => api.receiveAsync(s, NaN), E.WrongType]],
      socket: socketCases((socket) => loose(api.receiveAsync)(socket)),
      range: [['maxbytes 0', () => api.receiveAsync(s, 0), E.InvalidArgument], ['maxbytes 1.5', () => api.receiveAsync(s, 1.5), E.InvalidArgument]],
    },
    receiveUntilAsync: {
      count: 'an awaited form: extra arguments are ignored',
      type: [['string maxbytes', () => loose(api.receiveUntilAsync)(s, '\n', 'a'), E.WrongType], ['number delimiter', () => loose(api.receiveUntilAsync)(s, 10), E.WrongType]],
      socket: socketCases((socket) => loose(api.receiveUntilAsync)(socket)),
      range: [['maxbytes 0', () => api.receiveUntilAsync(s, '\n', 0), E.InvalidArgument], ['empty delimiter', () => api.receiveUntilAsync(s, ''), E.InvalidArgument]],
    },
    sendAsync: {
      count: 'an awaited form: extra arguments are ignored',
      type: [['a string, not bytes', () => loose(api.sendAsync)(s, 'text'), E.WrongType]],
      socket: socketCases((socket) => loose(api.sendAsync)(socket, buffer)),
      range: [['detached view', () => api.sendAsync(s, t.detached), E.InvalidArgument]],
    },
    receiveFromAsync: {
      count: 'an awaited form: extra arguments are ignored',
      type: [['string maxbytes', () => loose(api.receiveFromAsync)(s, 'a'), E.WrongType]],
      socket: socketCases((socket) => loose(api.receiveFromAsync)(socket)),
      range: [['maxbytes 0', () => api.receiveFromAsync(s, 0), E.InvalidArgument], ['a stream socket', () => api.receiveFromAsync(s), E.InvalidArgument]],
    },
    sendToAsync: {
      count: 'an awaited form: extra arguments are ignored',
      type: [['number buffer', () => loose(api.sendToAsync)(s, '127.0.0.1', 9, 5), E.WrongType]],
      socket: socketCases((socket) => loose(api.sendToAsync)(socket, '127.0.0.1', 9, 'x')),
      range: [['port 0', () => api.sendToAsync(s, '127.0.0.1', 0, 'x'), E.AddressNotAvailable], ['a stream socket', () => api.sendToAsync(s, '127.0.0.1', 9, 'x'), E.InvalidArgument]],
    },
    UDPEndpoint: {
      count: 'takes one options object',
      type: [['numeric address', () => endpointCode({ address: 127 as unknown as string }), E.WrongType]],
      socket: NO_SOCKET,
      range: [['port 65536', () => endpointCode({ address: '127.0.0.1', port: 65536 }), E.InvalidArgument]],
    },
    TCPConnection: {
      count: 'takes one options object',
      type: [['numeric host', () => connectionCode({ host: 127 as unknown as string, port: 80 }), E.WrongType]],
      socket: NO_SOCKET,
      range: [['port 65536', () => connectionCode({ host: '127.0.0.1', port: 65536 }), E.InvalidArgument]],
    },
    TCPListener: {
      count: 'takes one options object',
      type: [['object port', () => listenCode({ port: {} as unknown as number }), E.WrongType]],
      socket: NO_SOCKET,
      range: [['backlog 0', () => listenCode({ port: 0, address: '127.0.0.1', backlog: 0 }), E.InvalidArgument]],
    },
  };
}
