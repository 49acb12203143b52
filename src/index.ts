// The declarations use Buffer, node:worker_threads and node:net's types: they ask for
// node's types themselves, so a project's tsc finds them whether or not its tsconfig
// lists 'node' in "types" (TypeScript 7 lists nothing by default). preserve="true" keeps
// the directive in the emitted dist/index.d.ts, which every other declaration is reached
// through. @types/node is an optional peer dependency (package.json): the project's own.
/// <reference types="node" preserve="true" />
/**
 * tcp-commands: Omnis-style blocking TCP socket commands.
 *
 * Every command is a plain synchronous function returning a socket number, a count, 0,
 * a string, or a negative error code (`ErrorCode`, `TCPErrorText`). None throws for network trouble or
 * bad input. The calling thread blocks while the process's socket engine thread works.
 *
 * @packageDocumentation
 */
export { TCPConnect } from './commands/connect.js';
export { TCPSend } from './commands/send.js';
export { TCPReceive, type ReceiveBuffer } from './commands/receive.js';
export { TCPReceiveUntil, type Delimiter } from './commands/receive-until.js';
export { TCPStartTLS } from './commands/start-tls.js';
export { TCPGetPeerCertificate } from './commands/peer-certificate.js';
export type { PeerCertificate } from './tls/peer-certificate.js';
export { TCPClose, TCPBlock } from './commands/close.js';
export {
  UDPOpen,
  UDPSendTo,
  UDPReceiveFrom,
  UDPConnect,
  UDPJoinGroup,
  UDPLeaveGroup,
  type DatagramSender,
  type SenderHolder,
} from './commands/datagram.js';
export {
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
} from './commands/addresses.js';
export { TCPSocket, TCPBind, TCPListen, TCPAccept } from './commands/server.js';
export { TCPSetOption, TCPGetOption, type OptionValue } from './commands/socket-options.js';
export { TCPName2Addr, TCPAddr2Name } from './commands/names.js';
export { TCPPing } from './commands/ping.js';
export { TCPSetTrustStore } from './commands/trust.js';
export { TCPAvailable, TCPWait, TCPStats, type EngineStats } from './commands/inspect.js';
export { TCPFlush } from './commands/flush.js';
export { TCPReceiveFull } from './commands/receive-full.js';
export { TCPSendData, TCPReceiveData } from './commands/data.js';
export { WebDevSetConfig, WebDevGetSecureError } from './commands/config.js';
export { TCPGetLastErrorDetail } from './commands/last-error.js';
export type { ErrorProc } from './commands/thread-state.js';
export type { Holder, SendBuffer } from './commands/payload.js';
export { TCPErrorText, ErrorCode, errorTable, type ErrorCodeValue } from './errors.js';
export {
  attachEngine,
  engineHandle,
  ENGINE_HANDLE_KEY,
  type EngineHandle,
} from './channel/engine-host.js';
export { createPool, Pool, type PoolOptions } from './pool/pool.js';
export { serve } from './server/serve.js';
export type { ServeOptions, ServeStats, TcpServer, CloseResult } from './serve-types.js';
export type { ProcessesServer, ProcessesStats } from './scale/processes.js';
export type { LogRecord, LogLevel, LogOption } from './operate/log.js';
export type { Health } from './operate/agent.js';
export { tcpCommandsCollector, type MetricsOptions, type ServeFigures, type EngineFigures, type MeasuredServer } from './operate/metrics.js';
export type { ConnectionHandler, RequestHandler, DatagramHandler, HandlerKind, Peer } from './serve-types.js';
export {
  acceptAsync,
  connectAsync,
  receiveAsync,
  receiveUntilAsync,
  sendAsync,
  receiveFromAsync,
  sendToAsync,
  type ReceivedDatagram,
} from './async/calls.js';
export { TCPConnection, type ConnectionEvents, type ConnectOptions, type ConnectionSettings } from './events/connection.js';
export {
  TCPListener,
  type ListenerEvents,
  type ListenOptions,
  type IncomingClient,
  type ConnectionAnswer,
} from './events/listener.js';
export {
  UDPEndpoint,
  type EndpointEvents,
  type EndpointOptions,
  type EndpointSettings,
  type DatagramOrigin,
} from './events/endpoint.js';
