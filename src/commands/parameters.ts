/**
 * Each command's parameters as its user sees them: the name in its signature and what it
 * takes, in words. A refused argument gets a code (-501, -509, -10022, ...) as in Omnis;
 * these words say which parameter it was and what was wanted (TCPGetLastErrorDetail, the
 * error procedure's message). Read only when a command fails: nothing here is on the path
 * of a command that succeeds. test/error-detail.test.ts checks the names against the
 * exported functions, so the table cannot drift from the signatures.
 */
type Parameter = readonly [name: string, takes: string];

const SOCKET: Parameter = ['socket', 'a socket number (a whole number >= 1, as TCPConnect, TCPSocket or TCPAccept returned it)'];
const SOCKET_OR_ZERO: Parameter = ['socket', "a socket number, or 0 (this thread's defaults)"];
const RECEIVE_BUFFER: Parameter = ['buffer', "a Uint8Array (a Buffer) of at least 1 byte, or a { value } holder whose value is a string (text) or a Uint8Array (bytes)"];
const SEND_BUFFER: Parameter = ['buffer', 'a string, a Uint8Array (a Buffer), a { value } holder of either, or an array of them'];
const MAXBYTES: Parameter = ['maxbytes', 'a whole number >= 1, or nothing'];
const HOST: Parameter = ['hostname', "a host name or address as a string ('example.com', '127.0.0.1', '::1'), or a Unix-domain socket path"];
const PORT: Parameter = ['serviceOrPort', "a port number (1..65535) or a service name ('http')"];
const FLAG: (name: string) => Parameter = (name) => [name, 'true/false (or kTrue/kFalse as a number)'];
const TIMEOUT: Parameter = ['timeout', "milliseconds (a whole number 0..2147483647), 'infinite', or nothing"];
const GROUP: Parameter = ['group', 'a multicast group address as a string'];
const INTERFACE: Parameter = ['networkInterface', 'a local interface address as a string, or nothing'];

const table: Record<string, readonly Parameter[]> = {
  TCPConnect: [HOST, PORT, FLAG('secure'), FLAG('verify')],
  TCPSend: [SOCKET, SEND_BUFFER],
  TCPReceive: [SOCKET, RECEIVE_BUFFER, MAXBYTES],
  TCPReceiveUntil: [SOCKET, RECEIVE_BUFFER, ['delimiter', 'a string or bytes of 1 to 64 bytes'], MAXBYTES],
  TCPReceiveFull: [SOCKET, RECEIVE_BUFFER, ['count', 'a whole number >= 1']],
  TCPStartTLS: [SOCKET, FLAG('verify'), ['servername', 'a host name as a string, or nothing']],
  TCPGetPeerCertificate: [SOCKET, ['holder', 'a { value } holder object']],
  TCPClose: [SOCKET, ['option', '0, 1 or 2']],
  TCPBlock: [SOCKET, ['option', '0 (blocking) or non-zero (non-blocking), or true/false']],
  TCPSocket: [],
  TCPBind: [SOCKET, PORT],
  TCPListen: [SOCKET],
  TCPAccept: [SOCKET],
  TCPGetMyAddr: [SOCKET_OR_ZERO, FLAG('ipv6')],
  TCPGetMyPort: [SOCKET],
  TCPGetRemoteAddr: [SOCKET],
  TCPGetRemotePort: [SOCKET],
  TCPSetOption: [SOCKET_OR_ZERO, ['name', "an option name as a string ('nodelay', 'timeout', ...; tcpcmd help lists them)"], ['value', "the option's value: a number, a boolean or a string"]],
  TCPGetOption: [SOCKET_OR_ZERO, ['name', "an option name as a string ('nodelay', 'timeout', ...)"]],
  TCPName2Addr: [HOST, FLAG('ipv6')],
  TCPAddr2Name: [['address', "an IPv4 or IPv6 address as a string ('127.0.0.1')"]],
  TCPPing: [HOST, ['size', 'a number of bytes'], ['timeout', 'milliseconds (a whole number >= 1), or nothing']],
  TCPSetTrustStore: [['folder', 'a folder name as a string, or nothing (the current one)'], FLAG('cacertsOnly')],
  TCPAvailable: [SOCKET],
  TCPWait: [SOCKET, TIMEOUT],
  TCPFlush: [SOCKET, TIMEOUT],
  TCPStats: [],
  TCPSendData: [SOCKET, ['format', "a format string ('>I4 f8 z', see TCPSendData)"], ['values', 'an array of values, one per item of the format']],
  TCPReceiveData: [SOCKET, ['format', "a format string ('>I4 f8 z', see TCPReceiveData)"]],
  UDPOpen: [['address', "a local address as a string ('' for all)"], PORT],
  UDPSendTo: [SOCKET, ['host', HOST[1]], PORT, SEND_BUFFER],
  UDPReceiveFrom: [SOCKET, RECEIVE_BUFFER, ['from', 'a { value } holder object, or nothing']],
  UDPConnect: [SOCKET, ['host', HOST[1]], PORT],
  UDPJoinGroup: [SOCKET, GROUP, INTERFACE],
  UDPLeaveGroup: [SOCKET, GROUP, INTERFACE],
  WebDevSetConfig: [['errorproc', "a function (message, code, command), '' or nothing"], ['commstimeout', 'seconds (a number >= 0), or nothing']],
};

/** The parameters of `command` (as exported), or undefined for one this table does not know. */
export function parametersOf(command: string): readonly Parameter[] | undefined {
  return Object.hasOwn(table, command) ? table[command] : undefined;
}

/** Every command the table describes: the test checks each against its function. */
export function describedCommands(): string[] {
  return Object.keys(table);
}
