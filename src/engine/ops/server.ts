/** TCPSocket, TCPBind, TCPListen, TCPAccept. */
import net from 'node:net';
import { codeFromError, ErrorCode } from '../../errors.js';
import type { Engine } from '../engine-sockets.js';
import { ListenerSocket } from '../listener-socket.js';
import { StreamSocket } from '../stream-socket.js';
import { CloseOption } from '../../protocol.js';
import { closeConnection } from './close.js';
import type { EngineSlot } from '../slot.js';
import { DEFAULT_BACKLOG, UnboundSocket } from '../unbound-socket.js';
import { applySocketFileMode, clearStaleSocketFile, socketFileBindFailure } from '../../unix-socket-file.js';
import { isAbstractAddress, isUnixAddress, nodeUnixPath } from '../../unix-address.js';

export function socket(slot: EngineSlot, engine: Engine): void {
  slot.reply(engine.table.add(new UnboundSocket()));
}

/**
 * Binds (and, node:net being what it is, starts the kernel listening) on Arg0's port,
 * 0 for one the OS chooses; Arg1 is the caller's comms time-out for a host-name address.
 * An `address` that is a path or '@name' binds a Unix-domain socket instead (the port is
 * not used): a stale socket file there is replaced, and 'mode' applied (unix-socket-file.ts).
 */
export function bind(slot: EngineSlot, engine: Engine): void {
  const unbound = engine.entry(slot);
  if (unbound === undefined) return;
  if (!(unbound instanceof UnboundSocket) || unbound.binding) return slot.reply(ErrorCode.InvalidArgument);
  unbound.binding = true;
  const number = slot.socket;
  const reply = slot.replier();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  const unixPath = unbound.listenFd === undefined && unbound.address !== undefined && isUnixAddress(unbound.address) ? nodeUnixPath(unbound.address) : undefined;
  const socketFile = unixPath !== undefined && !isAbstractAddress(unbound.address!) ? unixPath : undefined;
  let abandoned = false; // the time-out came first
  let staleChecked = false;
  const onError = (error: Error & { code?: string }): void => {
    if (socketFile !== undefined && error.code === 'EADDRINUSE' && !staleChecked) {
      // A file is there: replace it only if it is a dead server's socket, then bind once more.
      staleChecked = true;
      void clearStaleSocketFile(socketFile).then((code) => {
        if (abandoned) return;
        if (code !== 0) return fail(code);
        server.once('error', onError);
        listen();
      });
      return;
    }
    fail(socketFile === undefined ? codeFromError(error, ErrorCode.AddressNotAvailable) : socketFileBindFailure(socketFile, error));
  };
  const fail = (code: number): void => {
    unbound.binding = false;
    server.close();
    reply(code);
  };
  server.once('error', onError);
  // The kernel's queue stays at least node's default: node accepts at once, and the
  // `backlog` the user chose is enforced on the engine's own queue (listener-socket.ts),
  // where a connection over it is reset rather than left to a SYN time-out.
  const kernelBacklog = Math.max(unbound.backlog, DEFAULT_BACKLOG);
  // 'family' with no address: all interfaces of that family only.
  const host = unbound.address ?? (unbound.family === 4 ? '0.0.0.0' : unbound.family === 6 ? '::' : undefined);
  const ipv6Only = unbound.family === 6;
  // 'listenfd': a descriptor inherited from the process that bound the port, shared by
  // several processes that all accept from its one kernel queue (src/scale/).
  const where = unbound.listenFd !== undefined ? { fd: unbound.listenFd } : unixPath !== undefined ? { path: unixPath } : { port: slot.arg0, host, ipv6Only };
  // Not listen()'s callback: a failed listen leaves its 'listening' handler behind, and the
  // second attempt (after a stale socket file) would run it twice.
  const listen = (): void => void server.listen({ ...where, backlog: kernelBacklog });
  const onListening = (): void => {
    server.off('error', onError);
    const modeFailure = socketFile === undefined ? 0 : applySocketFileMode(socketFile, unbound.mode);
    if (modeFailure !== 0) return fail(modeFailure); // closing the server removes the file
    unbound.binding = false;
    if (engine.table.get(number) !== unbound) {
      server.close(); // closed by another thread while binding
      return reply(ErrorCode.ConnectionAborted);
    }
    engine.table.replace(number, new ListenerSocket(server, unbound, engine.table));
    reply(0);
  };
  server.once('listening', onListening);
  listen();
  slot.park(slot.arg1, () => {
    abandoned = true;
    unbound.binding = false;
    server.off('error', onError);
    server.off('listening', onListening);
    server.on('error', () => {});
    server.close();
  });
}

export function listen(slot: EngineSlot, engine: Engine): void {
  const listener = engine.listener(slot);
  if (listener === undefined) return; // unbound, or a connection: -10022 (listen before bind)
  listener.listening = true;
  slot.reply(0);
}

export function accept(slot: EngineSlot, engine: Engine): void {
  // serve()'s connection loop closes the connection it finished in the call that takes the
  // next (one engine round trip for both). Closed already (by its handler): nothing to do.
  const finished = slot.arg0 !== 0 ? engine.table.get(slot.arg0) : undefined;
  if (finished instanceof StreamSocket) closeConnection(engine, slot.arg0, finished, CloseOption.Complete);
  engine.listener(slot)?.accept(slot);
}
