/**
 * A socket made by TCPSocket: options and a blocking mode, waiting for TCPBind. It has no
 * kernel socket yet (node:net cannot bind without listening), so bind is where the
 * listening socket comes to life: see listener-socket.ts.
 */
import { type ConnectionOptions, defaultConnectionOptions } from './connection-defaults.js';
import { ProxySettings } from './proxy-protocol.js';
import { ServerTls } from './server-tls.js';
import { defaultHandshakeLimits } from './tls-handshakes.js';

export const DEFAULT_BACKLOG = 511;

export class UnboundSocket {
  blocking = true;
  /** Options for the connections it will accept; its `timeoutMs` bounds TCPAccept too. */
  readonly connection: ConnectionOptions = defaultConnectionOptions();
  /** The 'address' option: where TCPBind binds (a path or '@name': a Unix-domain socket); undefined for all interfaces. */
  address: string | undefined;
  /** The 'mode' option: a Unix-domain socket file's permissions, set at TCPBind; -1 leaves the umask's. */
  mode = -1;
  /** The 'family' option: 4 or 6 to listen on that family only, 0 for both. */
  family = 0;
  backlog = DEFAULT_BACKLOG;
  /** True while a TCPBind on it is in progress (a second one gets -10022). */
  binding = false;
  /** The 'cert' and 'key' options: given both, the listener speaks TLS. */
  readonly tls = new ServerTls();
  /** The 'proxy' and 'proxytimeout' options. */
  readonly proxy = new ProxySettings();
  /** The 'listenfd' option: TCPBind listens on this inherited, bound descriptor instead. */
  listenFd: number | undefined;
  /** The 'heldfd' option: a file where the listener keeps its count of held connections (held-connections.ts). */
  heldFd: number | undefined;
  /** The 'handshakes' and 'handshaketimeout' options, shared with the listener it becomes. */
  readonly handshakeLimits = defaultHandshakeLimits();
}
