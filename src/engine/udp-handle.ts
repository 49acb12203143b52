/**
 * node's UDP handle behind a dgram socket: its descriptor, and reads started and stopped
 * for real. Internal to node (feature-detected by every user: a node without them leaves
 * the socket reading always, on the engine path). A leaf module: the datagram socket and
 * its direct link both need it.
 */
import type dgram from 'node:dgram';

export interface UdpHandle {
  fd?: unknown;
  recvStart?: () => number;
  recvStop?: () => number;
}

/** node keeps a dgram socket's handle in its state, under a symbol named 'state symbol'. */
export function udpHandle(socket: dgram.Socket): UdpHandle | undefined {
  const state = Object.getOwnPropertySymbols(socket).find((symbol) => String(symbol) === 'Symbol(state symbol)');
  return state === undefined ? undefined : (socket as unknown as Record<symbol, { handle?: UdpHandle }>)[state]?.handle;
}
