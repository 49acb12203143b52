/**
 * A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; legacy code expects a.b.c.d.
 * A leaf module: the sockets (listener-socket.ts, request-server.ts) and the address
 * operations (ops/addresses.ts) all need it, and ops import the sockets.
 */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
