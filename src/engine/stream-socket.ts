/**
 * A connected socket in the engine (plain TCP or TLS): its receive queue, the requests
 * parked on it, and the Omnis semantics of send, receive and close.
 *
 * Where a request waits:
 * - TCPReceive with nothing queued parks in `receivers` until data, end of stream, an
 *   error, a close from another thread, or the socket's time-out.
 * - A blocking TCPSend is answered once its bytes are in the socket's send buffer (node's,
 *   up to its sndbuf option, in front of the kernel's); when that is full, the caller
 *   waits for room, so a peer that does not read keeps it blocked, as in Omnis.
 * - A send larger than one slot's data area comes in parts and holds `sendOwner` until
 *   its last part, so two threads sending on one socket never interleave their bytes.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { PeerCapture } from '../tls/peer-certificate.js';
import { describeTlsError, isTlsFailure } from '../tls/tls-errors.js';
import { codeFromError, ErrorCode } from '../errors.js';
import { Op, ReceiveFlag, SEND_TAKEN_WHOLE, SendFlag , CloseOption } from '../protocol.js';
import { ReceiveQueue } from './receive-queue.js';
import { DirectLink } from './direct-link.js';
import { type ConnectionOptions, defaultConnectionOptions } from './connection-defaults.js';
import { removeItem } from './list.js';
import { mayResumeReading, mayTakeAnotherRead, roomToRead } from './receive-bound.js';
import { tryShapedReceive } from './receive-shaped.js';
import { reencodedPayload } from './send-text.js';
import type { ServerTls } from './server-tls.js';
import type { EngineSlot } from './slot.js';

/** After a complete close, how long arriving data is drained before the socket is destroyed. */
const CLOSE_LINGER_MS = 10_000;

export class StreamSocket {
  private isBlocking = true;
  /** Set when callers may read and write the descriptor themselves (direct-link.ts). */
  private direct: DirectLink | undefined;
  /** The link a newer connection's entry took (direct-link.ts numberForLink): its final counts. */
  private evictedLink: DirectLink | undefined;
  /** Its options: nodelay, keep-alive, its own time-out, the engine's buffer sizes. */
  readonly options: ConnectionOptions;

  readonly queue = new ReceiveQueue();
  /** Bytes of a character a Character read consumed but could not hand out yet (receive-shaped.ts). */
  heldText: Buffer = Buffer.alloc(0);
  /** Its own 'cert' and 'key', for a server-side TCPStartTLS; the host TCPConnect named, for a client-side one. */
  serverTls: ServerTls | undefined;
  host: string | undefined;
  /**
   * A Unix-domain connection's path or '@name' (src/unix-address.ts): both its addresses,
   * its ports 0. The kernel names only the listening end, so this is the listener's name.
   */
  unixAddress: string | undefined;
  /** A TLS connection's peer certificate, kept at the end of its handshake (TCPGetPeerCertificate). */
  peer: PeerCapture | undefined;
  private readonly receivers: EngineSlot[] = [];
  /** Sends waiting for the send lock (another thread's multi-part send holds it). */
  private readonly senders: EngineSlot[] = [];
  /** Sends waiting for room in the send buffer. */
  private readonly roomWaiters: EngineSlot[] = [];
  /** TCPWait calls waiting for the peer to close. */
  private readonly closeWaiters: EngineSlot[] = [];
  private sendOwner: EngineSlot | undefined;
  /** The peer sent FIN: reads return 0 once the queue is empty. */
  ended = false;
  /** The error that ended the connection, 0 while healthy. */
  failure = 0;
  /** With a failure of -1021: why, as the reply's text. */
  failureText = '';
  /** We sent FIN (TCPClose option 1): sends give -10058. */
  private finSent = false;
  private released = false;
  private paused = false;
  /**
   * Bytes a receive that could not be answered needs queued (receive-bound.ts): reading
   * goes on until they are, past `rcvbuf` if need be. Cleared when a read takes bytes.
   */
  private wanted = 0;
  /**
   * Told when bytes, the peer's FIN or an error arrive: serve()'s watch of a request
   * handler's connection that waits without a thread (request-server.ts).
   */
  watcher: (() => void) | undefined;
  /** Told when TCPClose (or the engine) begins to close it: its listener's count of held connections. */
  onRelease: (() => void) | undefined;

  /**
   * @param socket what the commands read and write: a net.Socket, or a TLSSocket
   * @param raw the TCP socket under it (the same for plain TCP): resets go there, since
   *   a TLSSocket cannot send an RST itself
   */
  constructor(
    /** Changes once, from the TCP socket to a TLSSocket over it, at TCPStartTLS. */
    public socket: Socket,
    public secure: boolean,
    readonly raw: Socket = socket,
    options: ConnectionOptions = defaultConnectionOptions(),
  ) {
    this.options = { ...options };
    // Sockets start with nodelay and no keep-alive; only other settings cost a call.
    if (!options.noDelay || options.keepAlive) this.applyOptions();
    // Made secure only once its handshake is over (TCPConnect's, a listener's): the peer is known.
    if (secure) this.capturePeer();
    this.listen(socket);
  }

  /**
   * Keeps the peer's certificate and whether it was verified: node's object is gone once
   * the socket is destroyed, and a TCPGetPeerCertificate may come after the peer closed.
   */
  capturePeer(): void {
    const socket = this.socket as TLSSocket;
    this.peer = { certificate: socket.getPeerCertificate?.() ?? null, verified: socket.authorized === true };
  }

  private readonly onEnd = (): void => {
    this.ended = true;
    this.direct?.markEof();
    this.serveReceivers();
    this.serveCloseWaiters();
    this.watcher?.();
  };

  private readonly onError = (error: Error): void => {
    // A TLS alert after the handshake (TLS 1.3's refusal of our client certificate comes
    // so): -1021, its reason kept for WebDevGetSecureError, rather than a bare abort.
    if (this.secure && isTlsFailure(error)) {
      if (this.failure === 0) this.failureText = describeTlsError(error);
      return this.fail(ErrorCode.TlsError);
    }
    this.fail(codeFromError(error));
  };

  private readonly onClose = (): void => {
    // A close after the peer's FIN is the normal end; any other close aborted the stream.
    if (this.ended) this.serveReceivers();
    else this.fail(ErrorCode.ConnectionAborted);
  };

  private listen(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /**
   * TCPStartTLS, first half: stops reading the plain socket and hands `then` what it
   * received that nobody read (the peer's first TLS bytes, when its handshake came early),
   * once no direct call can be inside a read of the descriptor any more: from the moment
   * this begins, every byte that arrives is TLS's, and no other thread's receive, direct
   * or through the engine, may take it (they wait for the upgrade: `upgrading`).
   */
  detachForUpgrade(then: (unread: Buffer) => void): void {
    this.upgrading = true;
    for (const [event, handler] of [['data', this.onData], ['end', this.onEnd], ['error', this.onError], ['close', this.onClose]] as const) {
      this.socket.off(event, handler);
    }
    this.socket.pause();
    this.paused = false;
    const handOver = (): void => {
      const unread = Buffer.alloc(this.queue.length);
      this.queue.take(unread, unread.length);
      this.handedToTls = unread.length;
      then(unread);
    };
    const direct = this.direct;
    if (direct === undefined) return handOver();
    // No direct call may start from now on; the TLS wrap owns the handle's reads (close,
    // TCPWait) once none is in progress. A read under way when this began gives its bytes
    // back (giveBack) before it lets go: they are in the queue by the time the lock comes.
    direct.retire(() => {
      direct.markUpgraded();
      handOver();
    });
  }

  /** Op.GiveBack: bytes a direct read took after this socket's entry closed go back in front. */
  giveBack(bytes: Buffer): void {
    this.givenBack += bytes.length; // read from the kernel, by nobody node or the direct table counts
    if (!this.released) this.queue.putBack(bytes);
  }

  /** Bytes direct reads gave back (Op.GiveBack). */
  private givenBack = 0;

  /** TCPStartTLS, second half: the connection goes on over `secured`, made over the same TCP socket. */
  upgradeTo(secured: Socket): void {
    // The plain bytes the application moved count; the TLS bytes handed on are TLS's.
    this.plainBytesIn = this.socket.bytesRead + this.givenBack - this.handedToTls;
    this.plainBytesOut = this.socket.bytesWritten;
    this.socket = secured;
    this.secure = true;
    this.upgrading = false;
    this.listen(secured);
  }

  /** Between the two halves of TCPStartTLS: what arrives is the handshake's. */
  private upgrading = false;
  /** Application bytes moved in plain before TCPStartTLS (the TLS socket counts from zero). */
  private plainBytesIn = 0;
  private plainBytesOut = 0;
  private handedToTls = 0;

  /** The error that ended the connection, with what direct calls saw folded in (0 while healthy). */
  get currentFailure(): number {
    this.absorbDirectState();
    return this.failure;
  }

  get bytesQueued(): number {
    return this.queue.length;
  }

  get blocking(): boolean {
    return this.isBlocking;
  }

  set blocking(on: boolean) {
    this.isBlocking = on;
    if (this.direct !== undefined) this.direct.nonBlocking = !on;
  }

  /** Bytes received and sent on this connection, by the engine and by direct calls. */
  get bytesIn(): number {
    return this.plainBytesIn + this.socket.bytesRead + (this.direct?.bytesIn ?? this.evictedLink?.bytesIn ?? 0) + (this.secure ? 0 : this.givenBack);
  }

  get bytesOut(): number {
    return this.plainBytesOut + this.socket.bytesWritten + (this.direct?.bytesOut ?? this.evictedLink?.bytesOut ?? 0);
  }

  /** Direct reads and writes so far (TCPStats; 0 on the engine path). */
  get directCalls(): { reads: number; writes: number } {
    return (this.direct ?? this.evictedLink)?.finalCallCounts ?? { reads: 0, writes: 0 };
  }

  /**
   * The socket has its number: a plain TCP one opens to direct calls (direct-link.ts),
   * after the engine has handed over the bytes it read so far.
   */
  numbered(registry: Int32Array, number: number): void {
    if (this.secure || this.released) return;
    this.direct = DirectLink.attach(registry, number, this.socket, this.timeoutMs, this.options.encoding);
    if (this.direct === undefined) return;
    // What callers read ahead (a line's rest, a cut character's start) comes before all the engine reads.
    this.direct.absorbInto((bytes) => this.queue.putBack(bytes));
    // A newer connection took the entry (direct-link.ts numberForLink): the engine path from now on.
    const link = this.direct;
    link.whenEvicted(() => {
      this.absorbDirectState();
      this.direct = undefined;
      this.evictedLink = link; // retired: only its final counts are read
    });
    this.direct.nonBlocking = !this.blocking;
    this.direct.stopReading();
    // What node read before the number (an accepted client's first request) is lent to the
    // callers' read-ahead: the first receive is direct, not an engine round trip.
    this.lendQueue = true;
    this.settleRecv();
    this.lendQueue = false;
  }

  // ---- the gates: the one way in and out of each direct lock --------------------------------

  /** Requests waiting for a direct caller to let go of a lock (TCPStats counts them as parked). */
  private lockWaits = 0;

  /** True while `slot` still carries the request it carries now (not answered, timed out or forgotten since). */
  private static stillAsked(slot: EngineSlot): () => boolean {
    const seq = slot.seq;
    return () => slot.busy && slot.seq === seq;
  }

  /**
   * The one way to this socket's incoming bytes: `body` runs holding the engine's receive
   * lock (taken first if a direct reader has it: it waits for that one read), with what
   * direct calls saw folded in. If the request is gone when the lock comes (its thread
   * died, it timed out), nothing runs and the lock goes straight back (settleRecv), so no
   * way in leaves it held; `body` itself ends holding it (a parked receive, TCPWait) or
   * gives it back before it answers (settleRecv).
   */
  private withRecv(slot: EngineSlot, body: () => void): void {
    const direct = this.direct;
    direct?.touch();
    if (direct !== undefined && !direct.isRetired && !direct.holdsRecv) {
      return this.waitForLock(slot, (then) => direct.acquireRecv(then), () => this.settleRecv(), () => this.withRecv(slot, body));
    }
    this.absorbDirectState();
    body();
  }

  /**
   * A request waits for a lock a direct caller holds (a system call's microseconds; longer
   * only if that caller's thread died holding it, until the engine frees it): bounded by the
   * socket's time-out (-522). Once the lock comes: `held`, or `giveBack` when the request
   * is gone by then (answered by its time-out, or its thread died).
   */
  private waitForLock(slot: EngineSlot, acquire: (then: () => void) => void, giveBack: () => void, held: () => void): void {
    const asked = StreamSocket.stillAsked(slot);
    this.lockWaits++;
    slot.park(this.timeoutMs, () => {});
    acquire(() => {
      this.lockWaits--;
      if (!asked()) return giveBack();
      slot.unpark();
      if (this.released) return slot.reply(ErrorCode.ConnectionAborted); // its retire takes the lock
      held();
    });
  }

  /**
   * The one way to write: `body` runs while the engine may write for `slot` (it holds the
   * send lock, or the slot's own direct send does and handed its remainder here); after it,
   * direct senders learn whether the engine holds unsent bytes, and the engine's own hold
   * ends. A request gone when the lock comes runs nothing and the lock goes straight back.
   */
  private withSend(slot: EngineSlot, body: () => void): void {
    const direct = this.direct;
    direct?.touch();
    if (direct !== undefined && !direct.isRetired && !direct.mayWrite(slot.id)) {
      return this.waitForLock(slot, (then) => direct.acquireSend(then), () => direct.releaseSend(), () => this.withSend(slot, body));
    }
    this.absorbDirectState();
    body();
    this.publishUnsent();
    direct?.releaseSend();
  }

  /** What direct calls saw (end of stream, a reset) is what the engine knows too. */
  private absorbDirectState(): void {
    const direct = this.direct;
    if (direct === undefined) return;
    if (direct.eof) this.ended = true;
    const failure = direct.failure;
    if (failure !== 0 && this.failure === 0) this.failure = failure;
  }

  /**
   * Gives the descriptor back to direct readers when the engine no longer needs it: no
   * receive or TCPWait parked here, and no byte held (held bytes keep receives here, so
   * they come before anything read directly later). While it keeps bytes, node stops reading.
   */
  private settleRecv(): void {
    const direct = this.direct;
    if (direct === undefined || this.released || !direct.holdsRecv) return;
    if (this.receivers.length > 0 || this.closeWaiters.length > 0 || this.requestWatch) return;
    // (Held bytes of a cut character, too: the next Character read, of any thread, is the engine's.)
    if (this.socket.readableLength > 0 || this.heldText.length > 0) return direct.stopReading();
    if (this.queue.length > 0) {
      // After a line (or Character read) it answered, the engine lends the next bytes to the
      // callers' read-ahead, so the lines that follow are found there, not one round trip each.
      if (!this.lendQueue) return direct.stopReading();
      if (!direct.lendAhead(this.queue)) return direct.stopReading();
      if (this.queue.length > 0) return;
      this.afterTake(); // all lent: the rest is the descriptor's, read by the callers (Refill is off)
    }
    if (this.ended) direct.markEof();
    if (this.failure !== 0) direct.failure = this.failure;
    direct.releaseRecv();
  }

  /** serve() watches this idle connection for its next request (request-server.ts). */
  private requestWatch = false;

  /** Lend the queue's next bytes to the callers' read-ahead when settling (after a line or Character read the engine answered, or a served connection's hand-out). */
  private lendQueue = false;

  /**
   * A shaped receive's answer (receive-shaped.ts): out of `receivers`, the descriptor settled
   * (the rest lent to the callers' read-ahead), then the reply, so the caller's next line
   * finds the lock free.
   */
  answerShaped(slot: EngineSlot, result: number, length: number, encoding?: number): void {
    removeItem(this.receivers, slot);
    this.lendQueue = true;
    this.settleRecv();
    this.lendQueue = false;
    slot.reply(result, length, encoding);
  }

  /**
   * An idle served connection is read by the engine, so that its next request (or the
   * peer's close) is seen; while a handler has it, the descriptor goes back to direct calls.
   */
  watchForRequest(on: boolean): void {
    this.requestWatch = on;
    const direct = this.direct;
    if (direct === undefined || direct.isRetired) return;
    if (!on) {
      // Handed to a thread: the request's bytes node read during the watch go to the callers'
      // read-ahead with it, so the handler's first receive finds them there, not a round trip here.
      this.lendQueue = true;
      this.settleRecv();
      this.lendQueue = false;
      return;
    }
    direct.acquireRecv(() => {
      if (!this.requestWatch || this.released || direct.isRetired) return this.settleRecv();
      this.absorbDirectState();
      direct.startReading();
      this.watcher?.(); // a direct read may have seen the end of the stream already
    });
  }

  /** Tells direct senders whether the engine holds bytes they must not pass. */
  private publishUnsent(): void {
    if (this.direct === undefined) return;
    this.direct.unsent =
      this.socket.writableLength > 0 || this.sendOwner !== undefined || this.senders.length > 0 || this.roomWaiters.length > 0;
  }

  /** Nothing more will ever be read: the peer closed and the queue is empty, or it failed. */
  get finished(): boolean {
    return this.failure !== 0 || (this.ended && this.queue.length === 0);
  }

  /** The error that ended the connection, 0 while healthy. */
  get failed(): number {
    return this.failure;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Requests parked on this socket, for TCPStats. */
  get parked(): number {
    return this.receivers.length + this.senders.length + this.roomWaiters.length + this.closeWaiters.length + this.lockWaits;
  }

  // ---- TCPWait ------------------------------------------------------------------------------

  /**
   * TCPWait: answers 0 once the peer has closed its side (what it sent before stays
   * readable), its error if the connection failed, -522 at the time-out (Arg0 ms, -1 none).
   */
  waitForClose(slot: EngineSlot): void {
    this.withRecv(slot, () => this.waitForCloseHeld(slot));
  }

  private waitForCloseHeld(slot: EngineSlot): void {
    if (this.tryAnswerClose(slot)) return;
    this.closeWaiters.push(slot);
    slot.park(slot.arg0, () => {
      removeItem(this.closeWaiters, slot);
      this.settleRecv();
    });
    this.direct?.startReading(); // the peer's FIN comes behind its data
  }

  /** Takes in what the kernel holds now (node does not read ahead while direct calls may). */
  private pullNow(): void {
    const direct = this.direct;
    const room = roomToRead(this.queue.length, this.options.receiveBufferBytes, this.wanted);
    // Only behind every byte node read already, so that the order stays the stream's.
    // Never once the entry is closing (a close or TCPStartTLS under way: what arrives then is not ours to take).
    if (direct !== undefined && !direct.isClosing && !this.upgrading && room > 0 && this.receivers.length === 0 && this.socket.readableLength === 0) {
      const outcome = direct.pull(room, (chunk) => this.queue.push(chunk));
      if (outcome === 'end') this.ended = true;
      else if (outcome < 0) this.fail(outcome);
    }
  }

  /**
   * TCPAvailable: the bytes held here, after taking in what the kernel holds now (callers
   * read directly, so the engine no longer reads ahead by itself).
   */
  available(slot: EngineSlot): void {
    this.withRecv(slot, () => {
      this.pullNow();
      // During TCPStartTLS what is held is the handshake's, not the application's.
      const held = this.upgrading ? 0 : this.queue.length;
      this.settleRecv();
      slot.reply(held);
    });
  }

  /** TCPWait's answer once there is one (settled first: the descriptor goes back to direct readers). */
  private closeAnswer(): number | undefined {
    return this.ended ? 0 : this.failure !== 0 ? this.failure : undefined;
  }

  private tryAnswerClose(slot: EngineSlot): boolean {
    const code = this.closeAnswer();
    if (code === undefined) return false;
    this.settleRecv();
    slot.reply(code);
    return true;
  }

  private serveCloseWaiters(): void {
    const code = this.closeAnswer();
    if (code === undefined || this.closeWaiters.length === 0) return;
    const waiting = this.closeWaiters.splice(0);
    this.settleRecv();
    for (const slot of waiting) slot.reply(code);
  }

  /** Changes options (TCPSetOption) and applies them to the socket. */
  setOptions(changes: Partial<ConnectionOptions>): void {
    Object.assign(this.options, changes);
    if (this.direct !== undefined) {
      this.direct.timeoutMs = this.options.timeoutMs;
      this.direct.encoding = this.options.encoding;
    }
    this.applyOptions();
    this.resumeIfDrained(); // a larger receive buffer may let node read again
    this.afterWrite(); // a larger send buffer may let waiting senders in
  }

  private applyOptions(): void {
    this.raw.setNoDelay(this.options.noDelay);
    this.raw.setKeepAlive(this.options.keepAlive, this.options.keepAliveDelayMs);
  }

  // ---- receive --------------------------------------------------------------------------

  /** TCPReceive: answers now when it can, else parks (blocking) or gives -10035. */
  receive(slot: EngineSlot): void {
    this.withRecv(slot, () => this.receiveHeld(slot));
  }

  private receiveHeld(slot: EngineSlot): void {
    if (this.upgrading) {
      // TCPStartTLS is under way: what arrives now is its handshake. A receive waits for
      // the first bytes that come over TLS (or its time-out); a non-blocking one finds none.
      if (!this.blocking) return slot.reply(ErrorCode.WouldBlock);
      this.receivers.push(slot);
      slot.park(this.timeoutMs, () => removeItem(this.receivers, slot));
      return;
    }
    if (this.receivers.length === 0 && this.tryReceive(slot)) return this.settleRecv();
    if (!this.blocking) {
      // Engine-path receives (text, TCPReceiveUntil) that must not wait: nobody else reads for them.
      this.pullNow();
      if (this.receivers.length === 0 && this.tryReceive(slot)) return this.settleRecv();
      slot.reply(ErrorCode.WouldBlock);
      this.resumeIfDrained(); // what it wanted comes in meanwhile, for its next try
      return this.settleRecv();
    }
    this.receivers.push(slot);
    slot.park(this.timeoutMs, () => {
      removeItem(this.receivers, slot);
      this.settleRecv();
    });
    this.resumeIfDrained(); // it may want more than rcvbuf lets node read
    this.direct?.startReading();
  }

  private tryReceive(slot: EngineSlot): boolean {
    // Character fields and TCPReceiveUntil shape what they take (receive-shaped.ts).
    if ((slot.arg1 & ReceiveFlag.Utf8) !== 0 || slot.op === Op.ReceiveUntil) {
      // It answers by itself: out of `receivers` here, or serveReceivers would loop on it.
      if (!tryShapedReceive(this, slot)) return false;
      removeItem(this.receivers, slot);
      this.settleRecv();
      return true;
    }
    const queued = this.queue.length;
    if (queued > 0) {
      const n = Math.min(slot.arg0, slot.replyRoom, queued);
      const taken = this.queue.take(slot.data, n);
      this.afterTake();
      this.answerReceive(slot, taken);
      return true;
    }
    if (this.failure !== 0) {
      this.answerReceive(slot, this.failure);
      return true;
    }
    if (this.ended) {
      this.answerReceive(slot, 0);
      return true;
    }
    return false;
  }

  /**
   * Answers a receive, out of `receivers` first: when no one else needs the descriptor it
   * goes back to direct readers before the answer, so the caller's next receive finds it free.
   */
  private answerReceive(slot: EngineSlot, result: number): void {
    removeItem(this.receivers, slot);
    this.settleRecv();
    if (result === ErrorCode.TlsError) this.replyFailure(slot);
    else slot.reply(result);
  }

  /** Answers with the failure, and its reason when it is a TLS one (-1021). */
  replyFailure(slot: EngineSlot): void {
    if (this.failure === ErrorCode.TlsError) slot.replyText(this.failure, this.failureText);
    else slot.reply(this.failure);
  }

  private serveReceivers(): void {
    while (this.receivers.length > 0 && this.tryReceive(this.receivers[0]!));
    this.settleRecv();
  }

  /** After a read took bytes from the queue: what a receive wanted before is settled. */
  afterTake(): void {
    this.wanted = 0;
    this.resumeIfDrained();
  }

  /** A receive that could not be answered needs `bytes` queued (receive-shaped.ts). */
  want(bytes: number): void {
    this.wanted = Math.max(this.wanted, bytes);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.released) return; // closing: what still arrives is discarded
    this.queue.push(chunk);
    this.serveReceivers();
    this.watcher?.();
    if (!this.paused && !mayTakeAnotherRead(this.queue.length, this.options.receiveBufferBytes, this.wanted)) {
      this.paused = true;
      this.socket.pause();
    }
  };

  private resumeIfDrained(): void {
    if (this.paused && mayResumeReading(this.queue.length, this.options.receiveBufferBytes, this.wanted)) {
      this.paused = false;
      this.socket.resume();
    }
  }

  // ---- send -----------------------------------------------------------------------------

  /** TCPSend, or one part of a large one. */
  send(slot: EngineSlot): void {
    this.withSend(slot, () => this.sendHeld(slot));
  }

  private sendHeld(slot: EngineSlot): void {
    if (this.sendOwner !== undefined && this.sendOwner !== slot) {
      if (!this.blocking && !this.secure) return slot.reply(ErrorCode.WouldBlock);
      this.senders.push(slot);
      slot.park(this.timeoutMs, () => removeItem(this.senders, slot));
      return;
    }
    this.startSend(slot);
  }

  /** Bytes node may still take before a send must wait (SO_SNDBUF's role, above the kernel's). */
  private get room(): number {
    return this.options.sendBufferBytes - this.socket.writableLength;
  }

  private startSend(slot: EngineSlot): void {
    const refusal = this.failure !== 0 ? this.failure : this.finSent ? ErrorCode.SendAfterShutdown : 0;
    if (refusal !== 0) {
      this.releaseSendLock();
      return this.failure !== 0 ? this.replyFailure(slot) : slot.reply(refusal);
    }
    if (this.room > 0) return this.accept(slot);
    // TLS sends always block, as in Omnis.
    if (!this.blocking && !this.secure) return slot.reply(ErrorCode.WouldBlock);
    // Full: wait for node to flush. A time-out here has taken nothing from this call, so
    // the socket stays usable (the caller may try again or give up).
    this.roomWaiters.push(slot);
    slot.park(this.timeoutMs, () => {
      removeItem(this.roomWaiters, slot);
      if (this.sendOwner === slot) this.releaseSendLock();
    });
  }

  /**
   * Takes the request's bytes into the send buffer and answers at once: a blocking send
   * returns when its bytes are buffered (as a blocking send() returns once the kernel
   * has copied them), so the caller prepares its next call while these are written. A
   * non-blocking one takes what fits. Write errors come back on the next command.
   */
  private accept(slot: EngineSlot): void {
    // Text in another encoding than UTF-8 goes as a re-encoded copy, taken whole.
    const reencoded = reencodedPayload(slot, this.options.encoding);
    const payload = reencoded ?? slot.sendPayload();
    const length = this.blocking || this.secure || reencoded ? payload.length : Math.min(payload.length, this.room);
    const more = (slot.arg0 & SendFlag.More) !== 0 && length === payload.length;
    this.sendOwner = more ? slot : undefined;
    const lent = reencoded ? -1 : slot.lentSendBuffer;
    if (lent >= 0 && !this.secure) {
      // Written straight from the caller's send buffer, which it will not touch again
      // until we give it back: when node has written it (at once, when the kernel takes
      // it all; else from its write callback). The answer goes first, so that the caller
      // fills its other buffer while the kernel copies this one.
      const giveBack = slot.holdSendBuffer(lent);
      if (this.direct !== undefined) this.direct.unsent = true; // before the answer lets the next sender in
      slot.reply(length);
      const before = this.socket.writableLength;
      this.socket.write(payload.subarray(0, length), (error) => {
        giveBack();
        this.afterWrite(error);
      });
      if (before === 0 && this.socket.writableLength === 0) giveBack();
    } else {
      // A copy: TLS encrypts later, and an async caller reuses its area at once.
      const copy = reencoded ?? Buffer.from(payload.subarray(0, length));
      if (this.direct !== undefined) this.direct.unsent = true;
      slot.reply(length, 0, reencoded ? SEND_TAKEN_WHOLE : 0);
      this.socket.write(copy, this.afterWrite);
    }
    if (!more) this.releaseSendLock();
  }

  private readonly afterWrite = (error?: Error | null): void => {
    if (error) this.fail(codeFromError(error));
    while (this.roomWaiters.length > 0 && (this.room > 0 || this.failure !== 0)) {
      const next = this.roomWaiters.shift()!;
      next.unpark();
      // A waiter that started a send of several parts owns the socket's sends once its first
      // part is taken: a later waiter (another thread's send, queued here while no send owned
      // it) must then wait for that whole send, or its bytes would land between two parts.
      if (this.sendOwner !== undefined && this.sendOwner !== next) {
        this.senders.push(next);
        next.park(this.timeoutMs, () => removeItem(this.senders, next));
        continue;
      }
      this.startSend(next);
    }
    this.publishUnsent();
  };

  private releaseSendLock(): void {
    this.sendOwner = undefined;
    const next = this.senders.shift();
    if (next !== undefined) {
      next.unpark(); // its wait for the lock is over; the send itself parks anew if need be
      this.startSend(next);
    }
    this.publishUnsent();
  }

  // ---- a caller thread ended ----------------------------------------------------------------

  /**
   * The thread of `slot` has ended (Engine.forgetSlot): what it had parked here goes,
   * taking no data (the queue stays for the next reader), and if it held the send lock
   * in the middle of a multi-part send, the lock passes to the next sender. The parts
   * it had sent stay sent: the peer sees the dead send cut short at a part boundary
   * (a multiple of 256 KiB for TCPSend, 64 KiB for sendAsync), then the next send whole.
   */
  forget(slot: EngineSlot): void {
    for (const list of [this.receivers, this.senders, this.roomWaiters, this.closeWaiters]) removeItem(list, slot);
    if (this.sendOwner === slot) this.releaseSendLock();
    this.serveReceivers(); // the one behind it may take what it was waiting to complete
  }

  // ---- failure and close ------------------------------------------------------------------

  private fail(code: number): void {
    if (this.failure === 0) this.failure = code;
    if (this.direct !== undefined) this.direct.failure = this.failure;
    this.serveReceivers();
    this.serveCloseWaiters();
    this.watcher?.();
    for (const slot of this.senders.splice(0)) this.replyFailure(slot);
    for (const slot of this.roomWaiters.splice(0)) this.replyFailure(slot);
  }

  /**
   * An RST to the peer, and the socket destroyed. While a half-close's shutdown is still
   * pending, libuv refuses the reset (EINVAL) and Node then never closes the handle: the
   * descriptor leaks and a worker's exit spins forever in its handle clean-up (Node 20,
   * TCPWrap::Reset). So such a socket is destroyed plainly: its FIN is already on the way.
   */
  private reset(): void {
    // (Under TLS the TCP handle's shutdown is not visible from here: any half-close counts.)
    const shutdownMayBePending = this.finSent && (this.raw !== this.socket || !this.socket.writableFinished);
    if (shutdownMayBePending) this.raw.destroy();
    else this.raw.resetAndDestroy();
    if (this.raw !== this.socket) this.socket.destroy();
  }

  /** TCPClose option 1: FIN now, keep receiving; later sends give -10058. */
  halfClose(): void {
    if (this.finSent) return;
    this.finSent = true;
    this.direct?.markFinSent();
    this.socket.end();
  }

  /**
   * TCPClose options 0 and 2, after the socket has left the table: wakes every thread
   * still waiting on it with -10053, then sends FIN and drains (0) or resets (2).
   */
  release(option: number): void {
    this.released = true;
    this.onRelease?.();
    for (const slot of this.receivers.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const slot of this.senders.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const slot of this.roomWaiters.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    for (const slot of this.closeWaiters.splice(0)) slot.abort(ErrorCode.ConnectionAborted);
    this.queue.clear();
    // Direct calls end first: node closes the descriptor only once none is inside one.
    if (this.direct !== undefined) this.direct.retire(() => this.finishRelease(option));
    else this.finishRelease(option);
  }

  private finishRelease(option: number): void {
    if (option === CloseOption.Abort) {
      this.reset();
      return;
    }
    if (!this.finSent) this.socket.end();
    this.socket.resume();
    this.direct?.startReading(); // what still arrives is drained until the peer's FIN
    const linger = setTimeout(() => this.socket.destroy(), CLOSE_LINGER_MS);
    linger.unref();
    this.socket.once('close', () => clearTimeout(linger));
    this.socket.once('end', () => this.socket.destroy());
  }
}
