/**
 * TCPConnect: resolve, connect, and answer the new socket number, all within the
 * caller's comms time-out (Arg2, ms); a request never outlives it, even if DNS does.
 */
import net from 'node:net';
import { codeFromError, ErrorCode } from '../../errors.js';
import type { Engine } from '../engine.js';
import type { EngineSlot } from '../slot.js';
import { StreamSocket } from '../stream-socket.js';

export function connect(slot: EngineSlot, engine: Engine): void {
  const host = slot.text();
  const port = slot.arg0;
  const timeoutMs = slot.arg2;
  const reply = slot.replier();
  // allowHalfOpen: a peer's FIN must not close our side; Omnis scripts keep sending
  // after the peer half-closes. noDelay: request/response users expect no Nagle stall.
  const socket = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
  const onError = (error: Error): void => {
    socket.destroy();
    reply(codeFromError(error, ErrorCode.ConnectionRefused));
  };
  socket.once('error', onError);
  socket.once('connect', () => {
    socket.off('error', onError);
    reply(engine.table.add(new StreamSocket(socket, false)));
  });
  slot.park(timeoutMs, () => {
    socket.off('error', onError);
    socket.on('error', () => {}); // a late error of the abandoned attempt is nobody's
    socket.destroy();
  });
}
