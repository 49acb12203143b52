/**
 * A datagram socket (UDPOpen): node's dgram socket, bound, with a queue of the datagrams
 * that arrived before anyone asked for them and the requests parked waiting for one.
 *
 * node reads every datagram whole (libuv reads into 64 KiB, more than an IPv4 or IPv6
 * datagram can carry without jumbograms), so the engine always knows a datagram's full
 * length: a receive into a smaller buffer gets its first bytes and -10040, as Winsock's
 * recvfrom does, and its sender learns the size; node itself never says a datagram was cut.
 *
 * The queue is bounded as the kernel bounds a socket's receive buffer: by `rcvbuf` bytes
 * (each datagram counted with DATAGRAM_OVERHEAD, so that a flood of empty datagrams is
 * bounded too); a datagram that finds it full is dropped and counted in `dropped`, with
 * the kernel's own drops for the socket (read from /proc/net/udp) added when asked.
 */
import type dgram from 'node:dgram';
import { readFileSync, fstatSync } from 'node:fs';
import { ErrorCode } from '../errors.js';
import { DATAGRAM_HEADER_BYTES, DatagramHeader, RECEIVE_TRUNCATED } from '../protocol.js';
import { encodeText } from '../text/encodings.js';
import { type ConnectionOptions, defaultConnectionOptions } from './connection-defaults.js';
import { DirectLink } from './direct-link.js';
import { udpHandle } from './udp-handle.js';
import { plainAddress } from './plain-address.js';
import type { EngineSlot } from './slot.js';

/** What a queued datagram costs beyond its bytes (the kernel counts its buffer's overhead too). */
export const DATAGRAM_OVERHEAD = 64;

/** The largest payload of one datagram: 65,535 less the IPv4 (20) or IPv6 (none: its payload length excludes it) and UDP (8) headers. */
export function largestDatagram(family: 4 | 6): number {
  return family === 4 ? 65_507 : 65_527;
}

/**
 * The request ring's hooks (engine-thread.ts): requests are served between datagrams too,
 * and the ring spins for the next request after a datagram went to a parked receive.
 */
let serveWaiting: () => void = () => {};
let expectRequest: () => void = () => {};
export function serveBetweenDatagrams(serve: () => void, expect: () => void): void {
  serveWaiting = serve;
  expectRequest = expect;
}

/** How many datagrams node may deliver in a row before the waiting requests are served. */
const SERVE_EVERY = 4;
let sinceServed = 0;

interface Datagram {
  bytes: Buffer;
  address: string;
  port: number;
}

/** A receive parked for the next datagram: UDPReceiveFrom's (with the sender) or TCPReceive's. */
interface Waiter {
  slot: EngineSlot;
  withSender: boolean;
}

/** The options node cannot read back, as they were last set (the kernel's defaults until then). */
export class DatagramSettings {
  ttl = 64;
  multicastTtl = 1;
  multicastLoop = true;
  multicastInterface = '';
}

export class DatagramSocket {
  private nonBlocking = false;
  /** Only `timeoutMs`, `encoding`, `sendBufferBytes` and `receiveBufferBytes` mean anything here. */
  readonly options: ConnectionOptions = defaultConnectionOptions();
  /** The default peer of UDPConnect, once connected. */
  peer: { address: string; port: number } | undefined;
  broadcast = false;
  readonly settings = new DatagramSettings();
  readonly reuseAddr: boolean;
  /** Bytes the engine itself received and sent (direct calls count theirs in the link). */
  private engineBytesIn = 0;
  private engineBytesOut = 0;
  /** Datagrams the engine dropped (its queue full). */
  droppedHere = 0;
  private readonly queue: Datagram[] = [];
  private head = 0;
  private queuedBytes = 0;
  private readonly waiters: Waiter[] = [];
  /** Set once connected (UDPConnect): callers read and write its datagrams themselves (direct-link.ts). */
  private link: DirectLink | undefined;
  private closed = false;
  /** An error the socket reported with no receive waiting (an ICMP refusal): the next receive's answer. */
  private pending = 0;

  constructor(
    readonly socket: dgram.Socket,
    readonly family: 4 | 6,
    reuseAddr: boolean,
  ) {
    this.reuseAddr = reuseAddr;
    socket.on('message', (bytes, from) => this.arrived(bytes, from.address, from.port));
    // An ICMP port-unreachable for a connected socket's earlier send arrives as an error of
    // the socket (ECONNREFUSED), not of any request: it is the next receive's answer.
    socket.on('error', (error) => this.failed(error));
  }

  get blocking(): boolean {
    return !this.nonBlocking;
  }

  set blocking(on: boolean) {
    this.nonBlocking = !on;
    if (this.link !== undefined) this.link.nonBlocking = !on;
  }

  /** A new `timeout`: direct senders wait that long for another thread's send. */
  timeoutChanged(): void {
    if (this.link !== undefined) this.link.timeoutMs = this.options.timeoutMs;
  }

  /**
   * UDPConnect succeeded: the socket opens to direct calls (TCPSend / TCPReceive of bytes
   * on the calling thread). The engine holds the receive lock while it holds a datagram or
   * a receive waits here, and reads (recvStart) only then; otherwise the kernel keeps them
   * for the callers' own reads.
   */
  connected(registry: Int32Array, number: number): void {
    this.link = DirectLink.attachDatagram(registry, number, this.socket, this.options.timeoutMs);
    if (this.link === undefined) return;
    this.link.nonBlocking = this.nonBlocking;
    this.settle();
  }

  /** Gives the receive lock back to the callers when the engine holds nothing and nobody waits here. */
  private settle(): void {
    const link = this.link;
    if (link === undefined || link.isClosing || !link.holdsRecv) return;
    if (this.waiters.length === 0 && this.head >= this.queue.length && this.pending === 0) link.releaseRecv();
  }

  /** Direct reads and writes so far (TCPStats). */
  get directCalls(): { reads: number; writes: number } {
    return this.link?.finalCallCounts ?? { reads: 0, writes: 0 };
  }

  /** Bytes received and sent, by the engine and by direct calls. */
  get bytesIn(): number {
    return this.engineBytesIn + (this.link?.bytesIn ?? 0);
  }

  get bytesOut(): number {
    return this.engineBytesOut + (this.link?.bytesOut ?? 0);
  }

  get parked(): number {
    return this.waiters.length;
  }

  /** The length of the next datagram the engine holds, 0 when none. */
  private get nextLength(): number {
    return this.head < this.queue.length ? this.queue[this.head]!.bytes.length : 0;
  }

  /**
   * TCPAvailable: the length of the next datagram (0 when none has come), as FIONREAD
   * answers on a datagram socket. A connected one's datagrams wait in the kernel for
   * direct reads: the engine takes the receive lock and reads one into its queue first
   * (it then holds the lock until that datagram is received). An error the socket holds
   * (an ICMP refusal of an earlier datagram, -10061) is answered instead, once.
   */
  available(slot: EngineSlot): void {
    if (this.pending !== 0) {
      const code = this.pending;
      this.pending = 0;
      slot.reply(code);
      return this.settle();
    }
    const link = this.link;
    if (link === undefined || link.isClosing) return slot.reply(this.nextLength);
    if (!link.holdsRecv) {
      const seq = slot.seq;
      return link.acquireRecv(() => {
        if (slot.busy && slot.seq === seq && !this.closed) this.available(slot);
        else this.settle();
      });
    }
    if (this.head >= this.queue.length) {
      const pulled = link.pullDatagram();
      if (typeof pulled === 'number') {
        slot.reply(pulled); // an ICMP refusal of an earlier datagram (-10061): said once, here
        return this.settle();
      }
      if (pulled !== undefined && this.peer !== undefined) {
        this.queue.push({ bytes: pulled, address: this.peer.address, port: this.peer.port });
        this.queuedBytes += pulled.length + DATAGRAM_OVERHEAD;
      }
    }
    slot.reply(this.nextLength);
    this.settle();
  }

  // ---- receiving ------------------------------------------------------------------------

  private arrived(bytes: Buffer, address: string, port: number): void {
    if (this.closed) return;
    const datagram = { bytes, address: plainAddress(address), port };
    this.engineBytesIn += bytes.length;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.deliver(waiter.slot, waiter.withSender, datagram);
      expectRequest();
      return this.settle();
    }
    const cost = bytes.length + DATAGRAM_OVERHEAD;
    if (this.queuedBytes + cost > this.options.receiveBufferBytes) {
      this.droppedHere++;
      return;
    }
    this.queue.push(datagram);
    this.queuedBytes += cost;
    if (this.queuedBytes + DATAGRAM_OVERHEAD + largestDatagram(this.family) > this.options.receiveBufferBytes) this.pauseReads();
    // libuv reads up to 32 datagrams per readiness, each its own callback: a receive posted
    // meanwhile would wait for the whole run (measured: a UDPReceiveFrom loop got 5-25,000
    // datagrams/s under a flood the engine read at 150,000/s).
    if (++sinceServed >= SERVE_EVERY) {
      sinceServed = 0;
      serveWaiting();
    }
  }

  /**
   * The queue is full: node stops reading, and the kernel drops what its own buffer cannot
   * hold (counted in `dropped` too). Reading on, only to drop each datagram in JavaScript,
   * took the engine's whole time under a flood (measured: a UDPReceiveFrom loop fell to
   * 13,000 datagrams/s while the engine dropped 180,000 of 200,000), leaving none for the
   * receives that would empty the queue.
   */
  private paused = false;

  private pauseReads(): void {
    const handle = udpHandle(this.socket);
    if (this.paused || this.link !== undefined || handle?.recvStop === undefined) return;
    this.paused = true;
    handle.recvStop();
  }

  /** Reads again once the queue is down to half its bound. */
  private resumeReads(): void {
    if (!this.paused || this.closed || this.queuedBytes * 2 > this.options.receiveBufferBytes) return;
    this.paused = false;
    udpHandle(this.socket)?.recvStart?.();
  }

  private failed(error: Error): void {
    const code = (error as { code?: string }).code === 'ECONNREFUSED' ? ErrorCode.ConnectionRefused : ErrorCode.ConnectionAborted;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.slot.reply(code);
    else this.pending = code;
    this.settle();
  }

  private take(): Datagram | undefined {
    if (this.head >= this.queue.length) return undefined;
    const datagram = this.queue[this.head]!;
    this.queue[this.head++] = undefined as unknown as Datagram;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.queuedBytes -= datagram.bytes.length + DATAGRAM_OVERHEAD;
    this.resumeReads();
    return datagram;
  }

  /** UDPReceiveFrom (withSender) or TCPReceive on a connected one: one datagram, now or when it comes. */
  receive(slot: EngineSlot, withSender: boolean): void {
    const link = this.link;
    if (link !== undefined && !link.isClosing && !link.holdsRecv) {
      // A caller's direct read holds the lock (microseconds): this receive follows it.
      const seq = slot.seq;
      return link.acquireRecv(() => {
        if (slot.busy && slot.seq === seq && !this.closed) this.receiveHolding(slot, withSender);
        else this.settle();
      });
    }
    this.receiveHolding(slot, withSender);
  }

  private receiveHolding(slot: EngineSlot, withSender: boolean): void {
    const datagram = this.take();
    if (datagram !== undefined) {
      this.deliver(slot, withSender, datagram);
      return this.settle();
    }
    if (this.pending !== 0) {
      const code = this.pending;
      this.pending = 0;
      slot.reply(code);
      return this.settle();
    }
    if (this.nonBlocking) {
      slot.reply(ErrorCode.WouldBlock);
      return this.settle();
    }
    this.link?.startReading();
    this.waiters.push({ slot, withSender });
    slot.park(this.options.timeoutMs, () => {
      this.forget(slot);
      this.settle();
    });
  }

  /**
   * Copies a datagram into the slot: with the sender, after a DatagramHeader and the
   * address (UDPReceiveFrom); without, as a stream receive's reply (its bytes, ReplyArg
   * the encoding, with RECEIVE_TRUNCATED when cut). Longer than asked: -10040 (header
   * still filled: the caller copies the first bytes and reports the size).
   */
  private deliver(slot: EngineSlot, withSender: boolean, datagram: Datagram): void {
    const size = datagram.bytes.length;
    if (!withSender) {
      const copied = datagram.bytes.copy(slot.data, 0, 0, Math.min(size, slot.arg0, slot.replyRoom));
      return slot.reply(copied, copied, this.options.encoding | (copied < size ? RECEIVE_TRUNCATED : 0));
    }
    const data = slot.data;
    const addressLength = data.write(datagram.address, DATAGRAM_HEADER_BYTES, 'utf8');
    const start = DATAGRAM_HEADER_BYTES + addressLength;
    const copied = datagram.bytes.copy(data, start, 0, Math.max(0, Math.min(size, slot.arg0, slot.replyRoom - start)));
    data.writeUInt32LE(size, DatagramHeader.Size * 4);
    data.writeUInt32LE(datagram.port, DatagramHeader.Port * 4);
    data.writeUInt32LE(addressLength, DatagramHeader.AddressLength * 4);
    data.writeUInt32LE(this.options.encoding, DatagramHeader.Encoding * 4);
    data.writeUInt32LE(copied, DatagramHeader.Copied * 4);
    slot.reply(copied < size ? ErrorCode.MessageTooLong : copied, start + copied);
  }

  // ---- sending ----------------------------------------------------------------------------

  /**
   * One datagram, to `host`/`port` (UDPSendTo) or to the default peer (TCPSend on a
   * connected one): answered with its length once node has handed it to the kernel.
   */
  send(slot: EngineSlot, payload: Buffer, text: boolean, host: string | undefined, port: number, timeoutMs: number): void {
    const bytes = text && this.options.encoding !== 0 ? encodeText(payload.toString('utf8'), this.options.encoding) : payload;
    if (bytes.length > largestDatagram(this.family)) return slot.reply(ErrorCode.MessageTooLong);
    if (host === undefined && this.peer === undefined) return slot.reply(ErrorCode.NotConnected);
    if (host !== undefined && this.peer !== undefined) return slot.reply(ErrorCode.IsConnected);
    const reply = slot.replier();
    const length = bytes.length;
    const done = (error: Error | null): void => {
      if (error !== null) return reply(sendErrorCode(error));
      this.engineBytesOut += length;
      reply(length);
    };
    // node's send copies nothing: the slot's area may be reused once the reply is read, so a copy.
    const copy = Buffer.from(bytes);
    try {
      if (host === undefined) this.socket.send(copy, done);
      else this.socket.send(copy, port, host, done);
    } catch (error) {
      return slot.reply(sendErrorCode(error as Error));
    }
    slot.park(timeoutMs, () => {}); // a host name's look-up may outlast it; the late answer finds no request
    // node answers a send the kernel took at once on process.nextTick (an IP literal's
    // look-up too): the ring must let the turn end rather than spin.
    slot.replyDeferred = true;
  }

  // ---- options ----------------------------------------------------------------------------

  /**
   * `rcvbuf` and `sndbuf` as the kernel's SO_RCVBUF / SO_SNDBUF too (which it caps at
   * net.core.rmem_max / wmem_max): the engine's queue is one buffer, the kernel's the other.
   */
  applyBufferSizes(): void {
    try {
      this.socket.setRecvBufferSize(this.options.receiveBufferBytes);
      this.socket.setSendBufferSize(this.options.sendBufferBytes);
    } catch {
      // a size the kernel refuses: it keeps its own
    }
  }

  // ---- a caller thread ended, or the socket is closed ---------------------------------------

  forget(slot: EngineSlot): void {
    const index = this.waiters.findIndex((waiter) => waiter.slot === slot);
    if (index >= 0) this.waiters.splice(index, 1);
    this.settle();
  }

  /** TCPClose: every receive parked on it gets -10053, then the socket is closed. */
  release(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.slot.abort(ErrorCode.ConnectionAborted);
    this.queue.length = 0;
    // Direct calls end first: the descriptor closes only once none is inside one.
    const close = (): void => {
      try {
        this.socket.close();
      } catch {
        // closed already (its bind failed)
      }
    };
    if (this.link !== undefined) this.link.retire(close);
    else close();
  }

  /** Datagrams lost so far: the engine's drops and the kernel's (/proc/net/udp's `drops` column). */
  get dropped(): number {
    return this.droppedHere + kernelDrops(this.socket);
  }
}

function sendErrorCode(error: Error): number {
  const code = (error as { code?: string }).code;
  if (code === 'EACCES') return ErrorCode.PermissionDenied; // a broadcast address without SO_BROADCAST
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return ErrorCode.HostNotFound;
  if (code === 'ERR_SOCKET_BAD_PORT') return ErrorCode.InvalidArgument;
  const errno = { EMSGSIZE: ErrorCode.MessageTooLong, ENETUNREACH: ErrorCode.NetworkUnreachable, EHOSTUNREACH: ErrorCode.HostUnreachable, ECONNREFUSED: ErrorCode.ConnectionRefused, EINVAL: ErrorCode.InvalidArgument, EAFNOSUPPORT: ErrorCode.AddressNotAvailable, EADDRNOTAVAIL: ErrorCode.AddressNotAvailable } as Record<string, number>;
  return (code !== undefined ? errno[code] : undefined) ?? ErrorCode.ConnectionAborted;
}

/**
 * The kernel's count of datagrams it dropped for this socket (its receive buffer full),
 * from the `drops` column of /proc/net/udp or udp6, found by the socket's inode; 0 where
 * there is no such file (not Linux).
 */
function kernelDrops(socket: dgram.Socket): number {
  try {
    const fd = udpHandle(socket)?.fd;
    if (typeof fd !== 'number' || fd < 0) return 0;
    const inode = String(fstatSync(fd).ino);
    for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const columns = line.trim().split(/\s+/);
        if (columns[9] === inode) return Number(columns[12] ?? 0) || 0;
      }
    }
  } catch {
    // no /proc, or the socket closed meanwhile
  }
  return 0;
}
