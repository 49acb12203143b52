/**
 * serve(): listen, and serve connections with a handler module on pool threads, in
 * blocking style, while the other threads go on. This is the server layer's façade: it
 * checks the options and chooses where the server runs, in this process (in-process.ts)
 * or in N processes sharing the port under this one's supervision (src/scale/).
 *
 * Three kinds of handler module:
 * - A request handler (`export function request(socket, peer)`) is called when a
 *   connection has bytes to read, once per request; between requests the connection
 *   waits in the engine holding no thread (request-loop.ts, engine/request-server.ts).
 *   Any number of keep-alive connections share the threads.
 * - A connection handler (the default export) owns its connection for its life, as a
 *   pre-forked server's process does: each thread runs an accept loop
 *   (connection-loop.ts); the engine hands a new connection straight to a thread blocked
 *   in TCPAccept. Connections wait in the listener while every thread is busy; beyond
 *   `backlog`, new ones are reset.
 * - A datagram handler (`export function datagram(socket, data, from)`, with `udp: true`)
 *   is called per datagram, as by Python's ThreadingUDPServer: each thread blocks in
 *   UDPReceiveFrom on the one datagram socket (datagram-loop.ts) and answers with UDPSendTo.
 */
import { serveProcesses } from '../scale/processes.js';
import type { ServeOptions, TcpServer } from '../serve-types.js';
import { serveInProcess } from './in-process.js';
import { udpOptionsError } from './udp-socket.js';

/**
 * Starts serving: listens on a port (or a Unix-domain path) and hands each connection (or
 * request, or datagram) to the handler module on a pool thread. Resolves once listening
 * with every thread ready (port 0: read the chosen port from `.port`).
 * @param options - the handler module and where and how to serve it
 * @returns a promise of the running server (`port`, `stats()`, `close()`, ...); it rejects when the handler module cannot be loaded or exports no handler (with the module's own error), or the address cannot be listened on (e.g. `Address already in use (-10048)`)
 */
export async function serve(options: ServeOptions): Promise<TcpServer> {
  const udpRefusal = options.udp === true ? udpOptionsError(options) : undefined;
  if (udpRefusal !== undefined) throw new Error(udpRefusal);
  if (options.processes !== undefined) return serveProcesses(options);
  return serveInProcess(options);
}
