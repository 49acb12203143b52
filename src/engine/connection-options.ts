/**
 * The options of a connection (nodelay, keep-alive, the socket's time-out, buffer
 * sizes): held by a connection, and by a listener (or a socket from TCPSocket) for the
 * connections it accepts, which start with them.
 */
import { NO_TIMEOUT } from '../protocol.js';

export interface ConnectionOptions {
  noDelay: boolean;
  keepAlive: boolean;
  /** Initial delay of keep-alive probes, ms; 0 for the system's default. */
  keepAliveDelayMs: number;
  /** The socket's own time-out for blocking waits, ms, or NO_TIMEOUT. */
  timeoutMs: number;
  /** Bytes buffered for sending in the engine before a blocking send waits. */
  sendBufferBytes: number;
  /** Received bytes held in the engine before it stops reading. */
  receiveBufferBytes: number;
  /** Character fields' encoding, an id of src/text/encodings.ts (0: UTF-8). */
  encoding: number;
}

export function defaultConnectionOptions(): ConnectionOptions {
  return {
    noDelay: true,
    keepAlive: false,
    keepAliveDelayMs: 0,
    timeoutMs: NO_TIMEOUT,
    sendBufferBytes: 1024 * 1024,
    receiveBufferBytes: 2 * 1024 * 1024,
    encoding: 0,
  };
}
