/**
 * The reply of Op.Stats (TCPStats), which the engine sends as JSON text: shared by the
 * engine (engine/ops/inspect.ts fills it) and the command (commands/inspect.ts reads it),
 * so it lives in the shared layer, as protocol.ts does, which both sides import.
 */
export interface EngineStats {
  /** `datagram`: UDPOpen's sockets. */
  sockets: { connections: number; listeners: number; unbound: number; datagram: number; closing: number };
  /** Requests waiting in the engine: receives, sends, accepts, waits. */
  parked: number;
  /** Bytes received and sent, by every connection of this engine. */
  bytesIn: number;
  bytesOut: number;
  /**
   * System calls made by caller threads themselves on the live connections (the direct
   * path, src/channel/direct/): reads and writes that moved bytes. 0 on the engine path.
   */
  directReads: number;
  directWrites: number;
  /** How many times the engine was restarted in this process. */
  engineRestarts: number;
  /** Caller threads' slots the engine knows. */
  slots: number;
  /**
   * Live worker threads whose lifeline closed unaccepted (their event loop turned while
   * the process had no descriptor left) and that the engine is reconnecting to; while it
   * cannot, such a thread's end is noticed only at its next try (engine/caller-threads.ts).
   */
  lifelinesLost: number;
  /**
   * The engine thread's JavaScript heap in use, bytes; measured after a full collection
   * when the process runs with --expose-gc (worker threads inherit it), so that figures
   * taken at two moments compare what is kept, not garbage not yet collected.
   */
  heapUsed: number;
  /**
   * Requests the engine has dispatched (every engine-path command, and serve()'s calls to
   * it); against `directReads` + `directWrites`, how much of the traffic skipped it.
   */
  engineCalls: number;
  /**
   * The engine thread's event-loop delay (node's monitorEventLoopDelay, started at the first
   * TCPStats() call), ms, over a window of at least 10 s: each read after the window is 10 s
   * old starts a new one. All 0 until a window has data.
   */
  loopDelay: { meanMs: number; p99Ms: number; maxMs: number };
}
