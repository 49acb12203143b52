/**
 * A socket made by TCPSocket: options and a blocking mode, waiting for TCPBind. It has no
 * kernel socket yet (node:net cannot bind without listening), so bind is where the
 * listening socket comes to life: see listener-socket.ts.
 */
import { NO_TIMEOUT } from '../protocol.js';
import { ServerTls } from './server-tls.js';

export const DEFAULT_BACKLOG = 511;

export class UnboundSocket {
  blocking = true;
  timeoutMs: number = NO_TIMEOUT;
  /** The 'address' option: where TCPBind binds; undefined for all interfaces. */
  address: string | undefined;
  backlog = DEFAULT_BACKLOG;
  /** True while a TCPBind on it is in progress (a second one gets -10022). */
  binding = false;
  /** The 'cert' and 'key' options: given both, the listener speaks TLS. */
  readonly tls = new ServerTls();
}
