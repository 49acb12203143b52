/**
 * serve()'s live counters, in shared memory so that the pool threads running the accept
 * loops move them and the serving thread reads them without messages.
 */
export const ServeCounter = {
  /** Connections a loop accepted (handed to the handler). */
  Accepted: 0,
  /** Handlers that returned. */
  Completed: 1,
  /** Handlers that threw (their sockets reset). */
  Failed: 2,
  /** TLS clients whose handshake failed (never handed to a handler). */
  HandshakeFailures: 3,
  /** Calls of a request handler that returned. */
  Requests: 4,
  /** Calls of a datagram handler that returned. */
  Datagrams: 5,
  /** Word FirstLoop + i: the socket loop i serves now, 0 between connections. */
  FirstLoop: 8,
} as const;

export function newServeCounters(loops: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((ServeCounter.FirstLoop + loops) * 4));
}
