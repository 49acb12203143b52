/**
 * The shared-memory protocol between caller threads and the socket engine.
 *
 * Both sides import this file; it holds layout, constants and their arithmetic, no logic of
 * either side (the request ring's writer is src/channel/request-ring-writer.ts, its reader
 * src/engine/request-ring.ts; the whole picture: docs/ARCHITECTURE.md). Two kinds of
 * shared memory:
 *
 * - The registry (one per process, one SharedArrayBuffer): engine state, liveness
 *   heartbeat, the doorbell the engine waits on, the socket-number counter (kept here so a
 *   restarted engine never reuses a number), and a ring of slot ids with a request posted.
 *   Its SharedArrayBuffer *is* the engine handle a worker thread needs.
 * - A slot (one per caller thread): a header of int32 words describing one request and
 *   its reply, then a data area that carries payloads both ways (bytes to send, bytes
 *   received, host names, address strings). No JSON and no structured clone on this path.
 */

import { AHEAD_BYTES, DIRECT_ENTRIES, DIRECT_ENTRY_MASK, DIRECT_ENTRY_WORDS, DIRECT_TABLE_WORDS } from './direct-layout.js';

// ---- registry ---------------------------------------------------------------------------
export const Reg = {
  State: 0,
  Generation: 1,
  Heartbeat: 2,
  Doorbell: 3,
  NextSocket: 4,
  NextSlot: 5,
  ChannelId: 6,
  RingTail: 8,
} as const;

export const EngineState = {
  Starting: 0,
  Ready: 1,
  Dead: 2,
  Failed: 3,
} as const;

export const REGISTRY_HEADER_WORDS = 16;
/**
 * The request ring: entry i is two words, [slot id, position]. A caller takes a position
 * from RingTail, writes its slot id, then the position as the commit mark. The engine
 * (which keeps its head position to itself: no registry word) takes the entry at its head
 * only when the entry's position word equals that head, so a stale entry (from a caller
 * of a dead engine) is never mistaken for a new one. Capacity: at
 * most one request per slot is ever in the ring, so this bounds the number of live slots.
 * Written by src/channel/request-ring-writer.ts, read by src/engine/request-ring.ts.
 */
export const RING_SIZE = 8192;
export const RING_MASK = RING_SIZE - 1;
/** The direct table (direct-layout.ts) follows the ring, at this word index. */
export const DIRECT_TABLE_START = REGISTRY_HEADER_WORDS + 2 * RING_SIZE;
/** Each direct entry's read-ahead area (direct-layout.ts, `Ahead`) follows the table, at this byte offset. */
export const AHEAD_AREA_START = (DIRECT_TABLE_START + DIRECT_TABLE_WORDS) * 4;
/**
 * serve()'s request boards follow the read-ahead areas, at this word index: SERVE_BOARDS
 * of SERVE_BOARD_WORDS words, one per request server (engine/request-server.ts writes
 * them, src/server/request-loop.ts reads them), so that a pool thread that has just
 * answered knows without a call whether other connections wait for a thread.
 */
export const SERVE_BOARDS_START = (AHEAD_AREA_START + DIRECT_ENTRIES * AHEAD_BYTES) / 4;
export const SERVE_BOARDS = 64;
/** Loops of a server that hand connections back through the board (more use NextRequest). */
export const BOARD_LOOPS = 64;
/** Ready connections the board's ring holds (more wait in the engine, for NextRequest). */
export const BOARD_RING = 256;
/** Words of a ring entry: socket, port, the address's byte length, the address (UTF-8, up to 52 bytes). */
export const BOARD_ENTRY_WORDS = 16;
export const BOARD_ADDRESS_BYTES = (BOARD_ENTRY_WORDS - 3) * 4;
/** Words of a board. */
export const Board = {
  /** Connections with bytes to read waiting for a thread in the engine's queue, beyond the ring (Tail - Head more wait there). */
  Ready: 0,
  /** Threads parked in NextRequest, waiting for a ready connection. */
  Parked: 1,
  /** The ring of ready connections: threads take from Head (compare-and-exchange), the engine puts at Tail. */
  Head: 2,
  Tail: 3,
  /**
   * The listening socket whose server has the board. A loop uses the ring and the
   * hand-back words only while it names its own listener: a board freed by a closed server
   * may serve a new one while the old server's loops still run.
   */
  Owner: 4,
  /**
   * Per loop, BOARD_HAND_BACKS words of connections the loop hands back (0: free); the
   * engine takes them at its next wake, which may come after the loop's next request.
   */
  HandBack: 5,
  /**
   * Hand-backs posted since the engine last looked (a loop adds one after it fills a word;
   * the engine takes the count whole, exchanging it for 0): the engine scans the 512 words
   * only when it was not 0.
   */
  HandBacksPosted: 5 + BOARD_LOOPS * 8,
  /** The ring's entries (BOARD_RING x BOARD_ENTRY_WORDS). */
  Ring: 6 + BOARD_LOOPS * 8,
} as const;
/** Hand-back words per loop. */
export const BOARD_HAND_BACKS = 8;
export const SERVE_BOARD_WORDS = Board.Ring + BOARD_RING * BOARD_ENTRY_WORDS;
/** ServeRequests' result when every board is taken: that server's threads never keep a connection. */
export const NO_BOARD = SERVE_BOARDS;
/**
 * Spin permits follow the boards, at this word index: SPIN_PERMITS words, each 0 (free) or
 * the slot id of the caller thread spinning under it (src/channel/spin-permit.ts). A
 * thread spins (for a reply, a direct read, a keep-alive request) only while it holds one,
 * and a process has at most one fewer than its cores, so spinners never take every core
 * from the engine and the peers they wait for. The engine frees a dead thread's permits.
 */
export const SPIN_PERMITS_START = SERVE_BOARDS_START + SERVE_BOARDS * SERVE_BOARD_WORDS;
export const SPIN_PERMITS = 64;
export const REGISTRY_BYTES = (SPIN_PERMITS_START + SPIN_PERMITS) * 4;

/** The registry word index of board `board`'s first word. */
export function serveBoardBase(board: number): number {
  return SERVE_BOARDS_START + board * SERVE_BOARD_WORDS;
}

/** The registry word index of the first word of socket `socket`'s direct entry (or of entry index `socket`). */
export function directEntryBase(socket: number): number {
  return DIRECT_TABLE_START + (socket & DIRECT_ENTRY_MASK) * DIRECT_ENTRY_WORDS;
}

/** The registry byte offset of read-ahead area `area` (an entry's Direct.Area). */
export function aheadAreaStart(area: number): number {
  return AHEAD_AREA_START + (area & DIRECT_ENTRY_MASK) * AHEAD_BYTES;
}

/** Index of the slot-id word of ring position `position`; the position word follows it. */
export function ringEntry(position: number): number {
  return REGISTRY_HEADER_WORDS + 2 * (position & RING_MASK);
}

/** How often the engine proves it is alive, and how long a silent engine is trusted. */
export const HEARTBEAT_INTERVAL_MS = 100;
/**
 * 5 s, not less: a busy engine (loading node-forge and building a TLS context on a machine
 * with two test files running) went 1.5 s without a beat in CI, and its callers were told
 * -10050 while it was healthy. A crash or a terminate is seen at once anyway (engine-host.ts).
 */
export const HEARTBEAT_STALE_MS = 5000;

export function registrationChannelName(registry: Int32Array): string {
  return `tcp-commands:engine:${String(Atomics.load(registry, Reg.ChannelId))}`;
}

// ---- slots ------------------------------------------------------------------------------
export const Slot = {
  State: 0,
  Seq: 1,
  Op: 2,
  Socket: 3,
  Arg0: 4,
  Arg1: 5,
  Arg2: 6,
  DataLength: 7,
  Result: 8,
  ReplyLength: 9,
  ReplyArg: 10,
  /**
   * The engine's generation, written by the engine once it has taken the slot on; or a
   * negative error code when it refused it (-10024: no descriptor for the thread's lifeline).
   */
  Registered: 11,
  /** 1 while the engine still writes from send buffer 0 / 1 of this slot. */
  SendBusy0: 12,
  SendBusy1: 13,
} as const;

export const SlotState = {
  Idle: 0,
  Request: 1,
  Reply: 2,
} as const;

export const SLOT_HEADER_BYTES = 64;
/**
 * A blocking slot's data area: a general region (receives, texts), then two send
 * buffers. A receive returns at most SLOT_GENERAL_BYTES per call (a blocking receive
 * returns *some* data, never waits to fill the buffer).
 *
 * Sends alternate between the two send buffers and the engine writes to the socket
 * straight from them: it answers as soon as it has the bytes, and tells the caller when
 * it is done with a buffer through that buffer's busy word (Slot.SendBusy0/1). So the
 * caller fills one buffer while the engine writes the other: no copy in the engine, and
 * no waiting for the kernel on the hot path. Larger sends go in parts that hold the
 * socket's send lock.
 */
export const SLOT_GENERAL_BYTES = 512 * 1024;
export const SEND_BUFFER_BYTES = 256 * 1024;
export const SLOT_DATA_BYTES = SLOT_GENERAL_BYTES + 2 * SEND_BUFFER_BYTES;

/** Offset in the data area of send buffer `index` (0 or 1). */
export function sendBufferOffset(index: number): number {
  return SLOT_GENERAL_BYTES + index * SEND_BUFFER_BYTES;
}

/** Time-outs travel as int32 milliseconds; this one means "no limit". */
export const NO_TIMEOUT = -1;

// ---- operations -------------------------------------------------------------------------
export const Op = {
  Connect: 1,
  Send: 2,
  Receive: 3,
  Close: 4,
  Block: 5,
  LocalAddress: 6,
  LocalPort: 7,
  RemoteAddress: 8,
  RemotePort: 9,
  Socket: 10,
  Bind: 11,
  Listen: 12,
  Accept: 13,
  SetOption: 14,
  GetOption: 15,
  Name2Addr: 16,
  Addr2Name: 17,
  Stats: 18,
  Available: 19,
  Wait: 20,
  ReloadTrust: 21,
  /** Answer when every socket has written what it was given (Arg0: time limit, ms). */
  Flush: 23,
  /** TCPFlush: answer when the socket's sent bytes have left node for the kernel (Arg0: time limit, ms, -1 none). */
  FlushSocket: 70,
  /**
   * TCPReceiveUntil: like Receive (Arg0 limit, Arg1 ReceiveFlag), up to and including the
   * delimiter in the data area (DataLength bytes, at most MAX_DELIMITER_BYTES).
   */
  ReceiveUntil: 30,
  /** TCPStartTLS: Arg0 StartTlsFlag, Arg2 time limit (ms); the data area: the server name, if any. */
  StartTls: 31,
  /** TCPGetPeerCertificate: the reply's data area holds the certificate as JSON (src/tls/peer-certificate.ts). */
  PeerCertificate: 35,
  /**
   * A direct read found its socket's entry closed (TCPStartTLS or TCPClose began) after it
   * had read: its bytes (DataLength, in the data area) go back to the front of the engine's
   * queue, sent while the reader still holds the receive lock (docs/direct-path.md).
   */
  GiveBack: 32,
  /**
   * serve()'s request handlers (40-49). ServeRequests: the listener (Socket) hands its
   * connections (those already waiting for TCPAccept first) to the engine's watch
   * instead of TCPAccept; Arg0: idle time-out, Arg1: the idle time allowed while the
   * listener drains (ms, or NO_TIMEOUT). NextRequest: hand back connection Arg0 (0: none) to be watched again,
   * then wait for the listener's next connection with bytes to read (reply: its number,
   * text: peer address, reply arg: peer port). RequestCounts: text "idle ready
   * handshakeFailures arrived" of the listener's watch.
   */
  ServeRequests: 40,
  NextRequest: 41,
  RequestCounts: 42,
  /**
   * Datagram sockets (50-59; src/engine/datagram-socket.ts). UdpOpen: bind a new one
   * (Arg0 port, Arg2 time limit for the address look-up, data: the address). UdpSendTo:
   * one datagram (Arg0 port, Arg1 the host's length in bytes; data: host then payload).
   * UdpReceiveFrom: one datagram (Arg0 most bytes wanted); the reply's data area holds a
   * DatagramHeader, the sender's address, then the bytes. UdpConnect: a default peer
   * (Arg0 port, Arg2 time limit; data: host). UdpMembership: join (Arg0 1) or leave (0)
   * a multicast group (data: group, then NUL and the interface if any).
   */
  UdpOpen: 50,
  UdpSendTo: 51,
  UdpReceiveFrom: 52,
  UdpConnect: 53,
  UdpMembership: 54,
  /** Test hook (only with TEST_HOOKS_ENV): makes the engine throw from its event loop, to prove callers survive it. */
  Crash: 99,
  /** Test hook (only with TEST_HOOKS_ENV): the engine's event loop stops turning (an endless loop), silently. */
  Hang: 98,
} as const;

/**
 * Op.Crash and Op.Hang exist only in an engine started with this environment variable set
 * to '1' (src/testing.ts sets it for the fault tests); otherwise they are unknown operations.
 */
export const TEST_HOOKS_ENV = 'TCP_COMMANDS_TEST_HOOKS';

export type OpCode = (typeof Op)[keyof typeof Op];

/**
 * What one request's words mean. `socket` is the Socket word; `data` the request's data
 * area (DataLength bytes); the reply is the Result word (negative: an error code of
 * errors.ts), plus `replyData` (ReplyLength bytes in the data area) and `replyArg`.
 * A word left out is written 0 and not read.
 */
export interface OperationShape {
  socket?: string;
  arg0?: string;
  arg1?: string;
  arg2?: string;
  data?: string;
  result: string;
  replyData?: string;
  replyArg?: string;
}

const TIME_LIMIT = 'time limit, ms (NO_TIMEOUT: none)';
const ADDRESS_TEXT = 'the address as text (an IPv4 peer of a dual-stack socket as a.b.c.d)';

/**
 * The wire protocol, one entry per operation: every word a caller writes and the engine
 * reads, and the reply. The engine's handler for each is in src/engine/dispatch.ts; the
 * command that posts it in src/commands/. `satisfies` makes a missing entry a compile error.
 */
export const OPERATIONS = {
  Connect: { arg0: 'port', arg1: 'ConnectFlag bits', arg2: TIME_LIMIT, data: "host name or address (UTF-8); with ConnectFlag.Secure, then a NUL and the thread's client TLS settings as JSON, if any", result: 'the new socket number', replyData: 'with -1021: the TLS error text' },
  Send: { socket: 'the socket', arg0: 'SendFlag bits', arg1: 'the lent send buffer, 0/1 (with SendFlag.Lent)', data: 'the bytes (or in the lent send buffer)', result: 'bytes taken', replyArg: 'SEND_TAKEN_WHOLE for re-encoded text taken whole' },
  Receive: { socket: 'the socket', arg0: 'most bytes wanted', arg1: 'ReceiveFlag bits', result: 'bytes consumed; 0 at end of stream', replyData: 'the bytes (whole characters with ReceiveFlag.Utf8)', replyArg: 'with ReceiveFlag.Utf8: the encoding id of the bytes' },
  ReceiveUntil: { socket: 'the socket', arg0: 'most bytes wanted', arg1: 'ReceiveFlag bits', data: 'the delimiter (at most MAX_DELIMITER_BYTES)', result: 'bytes consumed, delimiter included', replyData: 'those bytes' },
  Close: { socket: 'the socket', arg0: 'a CloseOption', result: "the server's board (serveBoardBase), NO_BOARD when all are taken" },
  Block: { socket: 'the socket', arg0: '1 non-blocking, 0 blocking', result: '0' },
  LocalAddress: { socket: 'the socket', arg0: 'AddressFlag bits', result: '0', replyData: ADDRESS_TEXT },
  LocalPort: { socket: 'the socket', result: 'the port' },
  RemoteAddress: { socket: 'the socket', arg0: 'AddressFlag bits', result: '0', replyData: ADDRESS_TEXT },
  RemotePort: { socket: 'the socket', result: 'the port' },
  Socket: { result: 'a new unbound socket number' },
  Bind: { socket: 'the unbound socket', arg0: 'port (0: any)', arg1: TIME_LIMIT + ' for the address look-up', result: '0' },
  Listen: { socket: 'the bound socket', result: '0' },
  Accept: { socket: 'the listening socket', arg0: "a connection to close (complete) first, 0: none (serve()'s loop: the one it finished, one call for both)", result: 'the accepted socket number', replyData: "the peer's address", replyArg: "the peer's port" },
  SetOption: { socket: 'the socket (0: the thread\'s defaults)', arg0: 'OptionId', arg1: 'the value, for numeric options', data: 'the value, for text options', result: '0', replyData: 'with -1021: why the cert/key was refused' },
  GetOption: { socket: 'the socket', arg0: 'OptionId', result: 'the value, for numeric options', replyData: 'the value, for text options', replyArg: 'TEXT_VALUE when the value is the text' },
  Name2Addr: { arg0: 'LookupFlag bits', arg1: TIME_LIMIT, data: 'the host name', result: '0', replyData: 'the first address' },
  Addr2Name: { arg1: TIME_LIMIT, data: 'the address', result: '0', replyData: 'the host name' },
  Stats: { result: '0', replyData: 'EngineStats (src/engine-stats.ts) as JSON' },
  Available: { socket: 'the socket', result: 'bytes readable now' },
  Wait: { socket: 'the socket', arg0: TIME_LIMIT, result: '0 once the peer has closed its side' },
  ReloadTrust: { arg0: 'TrustFlag bits', data: 'the folder, with TrustFlag.Folder', result: '0', replyData: 'with -10022: why the folder was refused' },
  Flush: { arg0: TIME_LIMIT, result: 'sockets still holding unsent bytes' },
  FlushSocket: { socket: 'the socket', arg0: TIME_LIMIT, result: '0 once its sent bytes are with the kernel' },
  StartTls: { socket: 'the connected plain socket', arg0: 'StartTlsFlag bits', arg2: TIME_LIMIT, data: "the server name to check, if any; then a NUL and the thread's client TLS settings as JSON, if any", result: '0', replyData: 'with -1021: the TLS error text' },
  PeerCertificate: { socket: 'a TLS connection', result: '0', replyData: "the peer's certificate as JSON; with -1021: why there is none" },
  GiveBack: { socket: 'the socket a direct read found closing', data: 'the bytes it read', result: '0' },
  ServeRequests: { socket: 'the listening socket', arg0: 'idle time-out, ms (NO_TIMEOUT: none)', arg1: 'idle time allowed while draining, ms (NO_TIMEOUT: none)', result: "the server's board (serveBoardBase), NO_BOARD when every board is taken" },
  NextRequest: { socket: 'the listening socket', arg0: 'a connection handed back to the watch (0: none)', result: 'the next connection with bytes to read', replyData: "the peer's address", replyArg: "the peer's port" },
  RequestCounts: { socket: 'the listening socket', result: '0', replyData: "'idle ready handshakeFailures arrived' of the watch" },
  UdpOpen: { arg0: 'port (0: any)', arg1: 'UdpOpenFlag bits', arg2: TIME_LIMIT + ' for the address look-up', data: "the local address ('' all IPv4 interfaces)", result: 'the new datagram socket number' },
  UdpSendTo: { socket: 'the datagram socket', arg0: 'port', arg1: "the host's length in bytes (UTF-8), with UdpSendToFlag bits", arg2: TIME_LIMIT + ' for the look-up', data: 'the host, then the datagram', result: 'bytes sent' },
  UdpReceiveFrom: { socket: 'the datagram socket', arg0: 'most bytes wanted', result: 'bytes received; -10040 when the datagram was longer', replyData: 'a DatagramHeader, the sender\'s address (UTF-8), then the bytes' },
  UdpConnect: { socket: 'the datagram socket', arg0: 'port', arg2: TIME_LIMIT + ' for the look-up', data: 'the host', result: '0' },
  UdpMembership: { socket: 'the datagram socket', arg0: '1 join, 0 leave', data: 'the group, then NUL and the interface address if any', result: '0' },
  Crash: { result: 'none: the engine throws' },
  Hang: { result: 'none: the engine stops turning' },
} as const satisfies Record<keyof typeof Op, OperationShape>;

/**
 * The words at the start of an Op.UdpReceiveFrom reply (Uint32, little-endian as the
 * machine's): the datagram's full length, the sender's port, the length of its address
 * text, the encoding id the bytes are in (the socket's `encoding`), the bytes copied.
 */
export const DatagramHeader = { Size: 0, Port: 1, AddressLength: 2, Encoding: 3, Copied: 4, Words: 5 } as const;
export const DATAGRAM_HEADER_BYTES = DatagramHeader.Words * 4;

/**
 * Op.Receive's ReplyArg bit on a datagram socket: the datagram was longer than the
 * buffer (the bytes are its first ones; TCPReceive answers -10040). The low bits are
 * the encoding id, as for a stream's Character field.
 */
export const RECEIVE_TRUNCATED = 1 << 16;

/** Op.UdpSendTo's Arg1: the host's length in its low 16 bits, and these flags above them. */
export const UdpSendToFlag = {
  /** The datagram is text as UTF-8: the engine re-encodes it in the socket's `encoding`. */
  Text: 1 << 16,
  HostLengthMask: 0xffff,
} as const;

/** Flags of Op.UdpOpen (Arg1). */
export const UdpOpenFlag = {
  /** SO_REUSEADDR before bind (socket 0's `reuseaddr`): several sockets may share the port. */
  ReuseAddr: 1,
} as const;

/** Flags of Op.Send (Arg0). */
export const SendFlag = {
  /** More parts of the same send follow: keep the socket's send lock. */
  More: 1,
  /** The bytes are in send buffer Arg1 (0/1), lent: the engine clears its busy word when done. */
  Lent: 2,
  /** The bytes are text as UTF-8: the engine re-encodes them in the socket's `encoding`. */
  Text: 4,
} as const;

/**
 * A Send reply's ReplyArg when the part was text re-encoded into the socket's encoding
 * (SendFlag.Text) and taken whole: the count is of the encoded bytes then, not comparable
 * with the part's UTF-8 length.
 */
export const SEND_TAKEN_WHOLE = 1;

/** Flags of Op.Receive (Arg1). */
export const ReceiveFlag = {
  /** Character field: whole characters of the socket's encoding only (src/engine/receive-shaped.ts). */
  Utf8: 1,
  /** ReceiveUntil: the delimiter is UTF-8 text, to be encoded in the socket's `encoding`. */
  TextDelimiter: 2,
} as const;

/** The longest delimiter TCPReceiveUntil takes. */
export const MAX_DELIMITER_BYTES = 64;

/** Flags of Op.ReloadTrust (Arg0). */
export const TrustFlag = {
  /** The trust store is the folder's certificates alone, without node's root CAs. */
  CacertsOnly: 1,
  /** The data area names the folder to use from now on (TCPSetTrustStore). */
  Folder: 2,
} as const;

/** Flags of Op.Name2Addr (Arg0). */
export const LookupFlag = {
  /** IPv6 addresses of the name, not IPv4 ones. */
  Ipv6: 1,
} as const;

/** Op.Close's Arg0: TCPClose's option, as Omnis numbers it. */
export const CloseOption = { Complete: 0, HalfClose: 1, Abort: 2 } as const;

/** Flags of Op.LocalAddress / Op.RemoteAddress (Arg0). */
export const AddressFlag = {
  /** An IPv4 address in its IPv4-mapped IPv6 form (::ffff:a.b.c.d). */
  AsIpv6: 1,
} as const;

/** Flags of Op.StartTls (Arg0). */
export const StartTlsFlag = {
  Verify: 1,
} as const;

/** Flags of Op.Connect (Arg1). */
export const ConnectFlag = {
  Secure: 1,
  Verify: 2,
  /** Only IPv6 addresses of the host (the thread's 'family' option 6). */
  Ipv6: 4,
  /** Only IPv4 addresses of the host ('family' 4). */
  Ipv4: 8,
} as const;
