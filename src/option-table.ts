/**
 * The socket options of TCPSetOption / TCPGetOption (HALCON-style generic parameters):
 * one descriptor per option, read by both sides. The commands check names, values and
 * socket 0 against it (commands/socket-options.ts); the engine checks which kind of socket
 * an option applies to, keeps the connection options and their defaults by it
 * (engine/ops/socket-options.ts, engine/connection-defaults.ts). A new option is one row
 * here, plus its case in the engine unless it is a connection option (a `connection` row
 * needs nothing else), plus its row in the option tables of docs/commands.md.
 */
import { encodingId, encodingName } from './text/encodings.js';

export const OptionKind = {
  /** A whole number within [min, max]; true/false stand for 1/0. */
  Integer: 1,
  /** A string (carried in the data area). */
  Text: 2,
  /** Milliseconds (a whole number >= 0) or 'infinite' (travels as -1). */
  Timeout: 3,
  /** A name from a set (an encoding), travelling as its id: `idOf` / `nameOf` convert. */
  Named: 4,
  /** 0 or 1 (true/false accepted). */
  Flag: 5,
} as const;

/** Kinds of socket an option applies to (a bit set). */
export const Sockets = {
  /** A connection: TCPConnect's, TCPAccept's. */
  Connection: 1,
  Listener: 2,
  /** From TCPSocket, before it listens. */
  Unbound: 4,
  /** Socket 0: this thread's defaults for the connections it makes. */
  Thread: 8,
  /** A datagram socket: UDPOpen's. */
  Datagram: 16,
} as const;

/** A Timeout option's value of 'infinite', as it travels. */
export const INFINITE = -1;

const ANY_SOCKET = Sockets.Connection | Sockets.Listener | Sockets.Unbound;
const DATAGRAM = Sockets.Datagram;
const SERVER_SIDE = Sockets.Listener | Sockets.Unbound;

/** Where the engine keeps a connection option (engine/connection-defaults.ts's ConnectionOptions). */
export type ConnectionField =
  | 'noDelay'
  | 'keepAlive'
  | 'keepAliveDelayMs'
  | 'timeoutMs'
  | 'sendBufferBytes'
  | 'receiveBufferBytes'
  | 'encoding';

export interface OptionSpec {
  readonly id: number;
  /** Its name, as TCPSetOption takes it (filled in from the table's key). */
  readonly name: string;
  readonly kind: (typeof OptionKind)[keyof typeof OptionKind];
  readonly min?: number;
  readonly max?: number;
  /** A further test of a number within [min, max] (a set of values, a range with a hole). */
  readonly accepts?: (value: number) => boolean;
  /** The kinds of socket TCPGetOption reads it on (Sockets bits); elsewhere -10022. */
  readonly on: number;
  /** Where TCPSetOption sets it, when that is fewer kinds than `on`. */
  readonly setOn?: number;
  /** Only TCPGetOption reads it; TCPSetOption gives -10022. */
  readonly readOnly?: boolean;
  /**
   * A connection option: each connection holds it (a listener or unbound socket too, for
   * the connections it will accept), socket 0's value is applied to each new connection,
   * and `initial` (as it travels) is every socket's default.
   */
  readonly connection?: { readonly field: ConnectionField; readonly initial: number };
  /** Named options: the id of a name (undefined: not one of the set), and back. */
  readonly idOf?: (name: string) => number | undefined;
  readonly nameOf?: (id: number) => string;
  /** What the option tables of docs/commands.md say of it. */
  readonly doc: string;
}

export const OPTIONS = {
  address: {
    id: 1,
    kind: OptionKind.Text,
    on: ANY_SOCKET | DATAGRAM,
    setOn: Sockets.Unbound,
    doc: 'local address to bind (IP literal or host name); set before TCPBind. Default: all interfaces (dual-stack ::)',
  },
  backlog: {
    id: 2,
    kind: OptionKind.Integer,
    on: SERVER_SIDE,
    setOn: Sockets.Unbound,
    min: 1,
    max: 65535,
    doc: 'length of the queue of connections not yet accepted; set before TCPBind. Default 511',
  },
  cert: {
    id: 3,
    kind: OptionKind.Text,
    on: ANY_SOCKET | Sockets.Thread,
    doc: "server-side TLS: the listener's certificate (chain), PEM text or a file name (relative to the working directory); socket 0: the client certificate this thread's secure TCPConnect and TCPStartTLS present",
  },
  key: {
    id: 4,
    kind: OptionKind.Text,
    on: ANY_SOCKET | Sockets.Thread,
    doc: "server-side TLS: the certificate's private key, PEM text or a file name (relative to the working directory); socket 0: the client certificate's key",
  },
  secure: {
    id: 5,
    kind: OptionKind.Integer,
    on: ANY_SOCKET,
    readOnly: true,
    doc: '1 for a TLS connection (or a TLS listener), else 0',
  },
  tlsversion: {
    id: 6,
    kind: OptionKind.Text,
    on: ANY_SOCKET,
    readOnly: true,
    doc: "a TLS connection's protocol, e.g. 'TLSv1.3' (-1014 on a plain socket)",
  },
  cipher: {
    id: 7,
    kind: OptionKind.Text,
    on: ANY_SOCKET,
    readOnly: true,
    doc: "a TLS connection's cipher suite (-1014 on a plain socket)",
  },
  peercert: {
    id: 8,
    kind: OptionKind.Text,
    on: ANY_SOCKET,
    readOnly: true,
    doc: "the subject of the peer's certificate, '' when it sent none (-1014 on a plain socket)",
  },
  queued: {
    id: 9,
    kind: OptionKind.Integer,
    on: Sockets.Listener,
    readOnly: true,
    doc: 'a listener: connections waiting to be accepted now',
  },
  refused: {
    id: 10,
    kind: OptionKind.Integer,
    on: Sockets.Listener,
    readOnly: true,
    doc: 'a listener: connections reset so far because `backlog` of them were already waiting',
  },
  nodelay: {
    id: 11,
    kind: OptionKind.Flag,
    on: ANY_SOCKET | Sockets.Thread,
    connection: { field: 'noDelay', initial: 1 },
    doc: '1 (the default): send small writes at once (TCP_NODELAY); 0: let Nagle coalesce them',
  },
  keepalive: {
    id: 12,
    kind: OptionKind.Flag,
    on: ANY_SOCKET | Sockets.Thread,
    connection: { field: 'keepAlive', initial: 0 },
    doc: '1: TCP keep-alive probes on an idle connection (SO_KEEPALIVE); 0 (the default): none',
  },
  keepalivedelay: {
    id: 13,
    kind: OptionKind.Integer,
    on: ANY_SOCKET | Sockets.Thread,
    connection: { field: 'keepAliveDelayMs', initial: 0 },
    min: 0,
    // The kernel takes whole seconds up to 32767 (TCP_KEEPIDLE) and node passes ms / 1000
    // rounded down: 1..999 would silently mean the system default, more than 32767 s
    // would be refused by the kernel with nobody told.
    max: 32_767_000,
    accepts: (ms) => ms === 0 || ms >= 1000,
    doc: 'idle time before the first keep-alive probe, ms: 0 (the default: the system default) or 1000..32767000, in whole seconds',
  },
  timeout: {
    id: 14,
    kind: OptionKind.Timeout,
    on: ANY_SOCKET | Sockets.Thread | DATAGRAM,
    connection: { field: 'timeoutMs', initial: INFINITE },
    doc: "the socket's own time-out, ms or 'infinite' (the default): bounds blocking TCPReceive, TCPSend and TCPAccept, which then give -522",
  },
  connecttimeout: {
    id: 15,
    kind: OptionKind.Timeout,
    on: Sockets.Thread,
    doc: "socket 0 only: bounds this thread's TCPConnect instead of the comms time-out (ms or 'infinite'; 0 = use the comms time-out)",
  },
  family: {
    id: 16,
    kind: OptionKind.Integer,
    on: ANY_SOCKET | Sockets.Thread | DATAGRAM,
    setOn: Sockets.Unbound | Sockets.Thread,
    min: 0,
    max: 6,
    accepts: (family) => family === 0 || family === 4 || family === 6,
    doc: '4 or 6: IPv4 or IPv6 only, for TCPBind (then all interfaces are 0.0.0.0 or ::, IPv6 only) and, on socket 0, for the addresses TCPConnect tries; 0 (the default): both',
  },
  reuseaddr: {
    id: 17,
    kind: OptionKind.Flag,
    on: SERVER_SIDE | DATAGRAM | Sockets.Thread,
    setOn: SERVER_SIDE | Sockets.Thread,
    doc: "a listener's SO_REUSEADDR: 1, always (node sets it on every listener); setting 0 gives -10045. A datagram socket's: set on socket 0 before UDPOpen (it binds at once, and SO_REUSEADDR is set before bind), 0 by default; lets several datagram sockets share a port (multicast receivers)",
  },
  sndbuf: {
    id: 18,
    kind: OptionKind.Integer,
    on: ANY_SOCKET | Sockets.Thread | DATAGRAM,
    connection: { field: 'sendBufferBytes', initial: 1024 * 1024 },
    min: 4096,
    max: 64 * 1024 * 1024,
    doc: 'bytes the engine buffers for sending before a blocking send waits (default 1 MiB; the kernel buffers more behind it)',
  },
  rcvbuf: {
    id: 19,
    kind: OptionKind.Integer,
    on: ANY_SOCKET | Sockets.Thread | DATAGRAM,
    connection: { field: 'receiveBufferBytes', initial: 2 * 1024 * 1024 },
    min: 4096,
    max: 64 * 1024 * 1024,
    doc: 'received bytes the engine holds before it stops reading (default 2 MiB; then TCP flow control holds the peer); a receive that needs more (a TCPReceiveUntil line longer than rcvbuf) has it read on, up to its maxbytes',
  },
  encoding: {
    id: 20,
    kind: OptionKind.Named,
    on: ANY_SOCKET | Sockets.Thread | DATAGRAM,
    connection: { field: 'encoding', initial: 0 },
    idOf: encodingId,
    nameOf: encodingName,
    doc: "Character fields' text encoding, both ways (holders with a string value, string sends, TCPReceiveUntil's string delimiter): 'utf-8' (the default), 'latin1', 'windows-1252', 'utf-16le', 'utf-16be', and every single-byte table of iconv-lite (windows-125x, iso-8859-x, cp437, cp850, cp866, koi8-r, macintosh, ...), by any alias iconv-lite knows; another name (the multi-byte CJK encodings among them) gives -10022",
  },
  // Ids 50-59: scaling out (issue 18).
  proxy: {
    id: 50,
    kind: OptionKind.Flag,
    on: SERVER_SIDE,
    doc: 'a listener: 1 to require a PROXY protocol header (v1 or v2, from a load balancer) on each connection, read before TLS; TCPGetRemoteAddr/Port then give the client. A connection without a valid one is reset and counted (`proxyrefused`). Default 0',
  },
  proxytimeout: {
    id: 51,
    kind: OptionKind.Integer,
    on: SERVER_SIDE,
    min: 1,
    max: 3_600_000,
    doc: 'a listener with `proxy`: ms a client may take to send its PROXY header before it is reset (default 10000)',
  },
  proxyrefused: {
    id: 52,
    kind: OptionKind.Integer,
    on: SERVER_SIDE,
    readOnly: true,
    doc: 'a listener with `proxy`: connections reset so far for want of a valid PROXY header (bad, truncated, too slow)',
  },
  listenfd: {
    id: 53,
    kind: OptionKind.Integer,
    on: Sockets.Unbound,
    min: 0,
    max: 1_048_576,
    doc: 'set before TCPBind: an inherited descriptor of a bound socket; TCPBind then listens on it (its port argument is ignored). How the processes of serve({ processes }) share one port',
  },
  accepting: {
    id: 54,
    kind: OptionKind.Flag,
    on: Sockets.Listener,
    doc: 'a listener: 1 while it takes new connections; set 0 to stop taking them (its descriptor closes in this process) while those already waiting stay for TCPAccept: a draining process',
  },
  held: {
    id: 55,
    kind: OptionKind.Integer,
    on: Sockets.Listener,
    readOnly: true,
    doc: 'a listener: connections it took from the kernel that are still open, at any stage (PROXY header, TLS handshake, waiting, accepted, in serve()\'s watch): what a draining process waits for',
  },
  heldfd: {
    id: 56,
    kind: OptionKind.Integer,
    on: Sockets.Unbound,
    min: 0,
    max: 1_048_576,
    doc: 'set before TCPBind: a descriptor of a file where the listener writes `held` at every change (32-bit little-endian, offset 0), readable after the process dies. How serve({ processes }) counts `lost`',
  },
  // Ids 80-89: TLS listener handshakes (tls-handshakes.ts).
  handshakes: {
    id: 80,
    kind: OptionKind.Integer,
    on: SERVER_SIDE,
    min: 1,
    max: 65535,
    doc: 'a TLS listener: TLS handshakes in flight at most (apart from `backlog`, which counts only finished ones); a client beyond it displaces the oldest handshake whose ClientHello is incomplete (else the oldest). Default 256',
  },
  handshaketimeout: {
    id: 81,
    kind: OptionKind.Integer,
    on: SERVER_SIDE,
    min: 100,
    max: 3_600_000,
    doc: 'a TLS listener: ms a client may take to finish its TLS handshake before it is dropped (counted in `abandoned`, not returned by TCPAccept). Default 10000',
  },
  handshaking: {
    id: 82,
    kind: OptionKind.Integer,
    on: Sockets.Listener,
    readOnly: true,
    doc: 'a TLS listener: TLS handshakes in flight now',
  },
  abandoned: {
    id: 83,
    kind: OptionKind.Integer,
    on: Sockets.Listener,
    readOnly: true,
    doc: 'a TLS listener: clients so far that went away, stalled past `handshaketimeout`, or were displaced before finishing their handshake (never seen by TCPAccept)',
  },
  // Ids 60-69: datagram sockets (src/engine/datagram-socket.ts).
  broadcast: {
    id: 60,
    kind: OptionKind.Flag,
    on: DATAGRAM,
    doc: 'a datagram socket: 1 lets UDPSendTo send to a broadcast address (SO_BROADCAST; without it -10013). Default 0',
  },
  ttl: {
    id: 61,
    kind: OptionKind.Integer,
    on: DATAGRAM,
    min: 1,
    max: 255,
    doc: "a datagram socket: the IP time-to-live (hop limit) of its unicast datagrams. Default: the system's (64)",
  },
  multicastttl: {
    id: 62,
    kind: OptionKind.Integer,
    on: DATAGRAM,
    min: 0,
    max: 255,
    doc: 'a datagram socket: the time-to-live of its multicast datagrams. Default 1 (this network only)',
  },
  multicastloop: {
    id: 63,
    kind: OptionKind.Flag,
    on: DATAGRAM,
    doc: "a datagram socket: 1 (the default) delivers its multicast datagrams to this host's own members too",
  },
  multicastinterface: {
    id: 64,
    kind: OptionKind.Text,
    on: DATAGRAM,
    doc: "a datagram socket: the local address (IPv4) or interface scope (IPv6, e.g. '::%lo') its multicast datagrams leave from",
  },
  dropped: {
    id: 65,
    kind: OptionKind.Integer,
    on: DATAGRAM,
    readOnly: true,
    doc: "a datagram socket: datagrams lost for want of room so far: dropped by the engine (its queue for the socket is bounded by `rcvbuf`) plus those the kernel dropped (its receive buffer full)",
  },
  // Ids 90-99: Unix-domain sockets (src/unix-address.ts).
  mode: {
    id: 90,
    kind: OptionKind.Integer,
    on: SERVER_SIDE,
    setOn: Sockets.Unbound,
    min: 0,
    max: 0o777,
    doc: "set before TCPBind: a Unix-domain listener's socket file permissions (0o660: owner and group may connect); -1 when not set (the umask decides). No effect on an abstract '@name' (no file) or an IP listener",
  },
  // TLS client side (issue 25): socket 0's settings for this thread's secure connects (src/tls/client-identity.ts).
  passphrase: {
    id: 100,
    kind: OptionKind.Text,
    on: Sockets.Thread,
    doc: "socket 0: the passphrase of an encrypted client `key` or of a `pfx` file (set it before the pfx). Reads back '' or '*'",
  },
  pfx: {
    id: 101,
    kind: OptionKind.Text,
    on: Sockets.Thread,
    doc: 'socket 0: a PKCS#12 file (.p12/.pfx, RSA key) holding the client certificate, its chain and key, opened with `passphrase`; instead of `cert` and `key`',
  },
  tlsminversion: {
    id: 102,
    kind: OptionKind.Text,
    on: Sockets.Thread | SERVER_SIDE,
    doc: "socket 0: the oldest TLS version this thread's secure connects accept, 'TLSv1.2' (the default) or 'TLSv1.3'; a listener (or TCPSocket socket): its new handshakes'",
  },
  ciphers: {
    id: 103,
    kind: OptionKind.Text,
    on: Sockets.Thread | SERVER_SIDE,
    doc: "socket 0: the OpenSSL cipher list (TLS 1.2 suites) this thread's secure connects offer; a listener: the suites its new handshakes accept; '' (the default): node's",
  },
  alpn: {
    id: 104,
    kind: OptionKind.Text,
    on: Sockets.Thread | Sockets.Connection | SERVER_SIDE,
    setOn: Sockets.Thread | SERVER_SIDE,
    doc: "socket 0: the ALPN protocols TCPConnect with secure offers, comma-separated ('h2,http/1.1'); a listener: the ones it accepts, in its order of preference (a client offering none of them is refused by OpenSSL); a connection: the one chosen, '' when none",
  },
  // TLS server side (issue 25): ids 120-139 (server-tls.ts).
  verifyclient: {
    id: 120,
    kind: OptionKind.Integer,
    on: SERVER_SIDE,
    min: 0,
    max: 2,
    doc: "a TLS listener: client certificates. 0 none (default); 1 request: a client may send none, one it sends must verify; 2 require. Verified against `clientca`, else the trust store folder (its certificates only, not node's public roots). A refused client is TCPAccept's -1021 (serve(): a handshake failure), never a connection",
  },
  clientca: {
    id: 121,
    kind: OptionKind.Text,
    on: SERVER_SIDE,
    doc: "a TLS listener: the folder of CA certificates (PEM, PEM bundles, DER, as certs/cacerts) client certificates are verified against, instead of the trust store folder. '' for the trust store",
  },
  sni: {
    id: 122,
    kind: OptionKind.Text,
    on: SERVER_SIDE,
    doc: "a TLS listener: certificates by server name, 'a.example=certA.pem,keyA.pem; *.b.example=certB.pem,keyB.pem' (file names; '*.' matches one label); other names get `cert`/`key`. Applies to new handshakes. '' for none",
  },
  servername: {
    id: 123,
    kind: OptionKind.Text,
    on: Sockets.Connection,
    readOnly: true,
    doc: "an accepted TLS connection: the server name the client asked for (SNI), '' when none (-1014 on a plain socket)",
  },
  certreload: {
    id: 124,
    kind: OptionKind.Flag,
    on: Sockets.Listener,
    doc: "a TLS listener: set to 1 to read the `cert`, `key`, `sni` and `clientca` files again for new handshakes (all or nothing: on a problem -1021 with the reason, and the old ones go on). Reads as the number of reloads so far. serve()'s reloadCertificates()",
  },
} as const satisfies Record<string, Omit<OptionSpec, 'name'>>;

export type OptionName = keyof typeof OPTIONS;

export const OptionId = Object.fromEntries(
  Object.entries(OPTIONS).map(([name, spec]) => [name, spec.id]),
) as { readonly [K in OptionName]: (typeof OPTIONS)[K]['id'] };

/** Every option with its name, by name and by id. */
const byName = new Map<string, OptionSpec>();
const byId = new Map<number, OptionSpec>();
for (const [name, spec] of Object.entries(OPTIONS)) {
  const option: OptionSpec = { ...spec, name };
  byName.set(name, option);
  byId.set(spec.id, option);
}

/** The option of a name (case-insensitive), or undefined. */
export function optionNamed(name: string): OptionSpec | undefined {
  return byName.get(name.trim().toLowerCase());
}

/** The option of an id (as the engine gets it), or undefined. */
export function optionOfId(id: number): OptionSpec | undefined {
  return byId.get(id);
}

/** The connection options (nodelay, keepalive, ...): what a new connection starts with. */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [...byName.values()].filter((option) => option.connection !== undefined);

/** GetOption replies carry this in ReplyArg when the value is text in the data area. */
export const TEXT_VALUE = 1;
