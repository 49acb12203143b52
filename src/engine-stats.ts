// The reply of Op.Stats (TCPStats), which the engine sends as JSON text: shared by the
// engine (engine/ops/inspect.ts fills it) and the command (commands/inspect.ts reads it),
// so it lives in the shared layer, as protocol.ts does, which both sides import.

/** What TCPStats() returns: the engine's figures. */
export interface EngineStats {
  /** Open sockets by kind. */
  sockets: {
    /** Connected stream sockets. */
    connections: number;
    /** Listening sockets. */
    listeners: number;
    /** Sockets from TCPSocket not bound yet. */
    unbound: number;
    /** UDPOpen's sockets. */
    datagram: number;
    /** Sockets closed with option 0 whose FIN exchange is not over yet (their numbers are already released). */
    closing: number;
  };
  /** Requests waiting in the engine: receives, sends, accepts, waits. */
  parked: number;
  /** Bytes received by every connection of this engine, closed ones included (direct calls' bytes too). */
  bytesIn: number;
  /** Bytes sent by every connection of this engine, closed ones included (direct calls' bytes too). */
  bytesOut: number;
  /**
   * Reads made by caller threads themselves (the direct path) that moved bytes, closed
   * connections included. 0 with TCP_COMMANDS_DIRECT=0.
   */
  directReads: number;
  /** Writes made by caller threads themselves (the direct path) that moved bytes; as `directReads`. */
  directWrites: number;
  /** How many times the engine was restarted in this process. */
  engineRestarts: number;
  /** Caller threads' slots the engine knows. */
  slots: number;
  /**
   * Live worker threads whose lifeline closed unaccepted (their event loop turned while
   * the process had no descriptor left) and that the engine is reconnecting to; while it
   * cannot, such a thread's end is noticed only at its next try. Normally 0.
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
  loopDelay: {
    /** The mean delay, ms. */
    meanMs: number;
    /** The 99th percentile, ms. */
    p99Ms: number;
    /** The longest, ms. */
    maxMs: number;
  };
}
