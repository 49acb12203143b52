/**
 * The chaos test's peers, in the test's own process (which never calls the library, so
 * their event loop is never blocked by it, and their descriptors are not the child's).
 *
 * ChaosPeer: every connection starts with a hello naming its stream; the upstream is then
 * checked byte by byte (test/helpers/chaos-stream.ts) and a downstream is pumped as fast as
 * the client reads. A StartTls record upstream is answered by a Go record downstream, after
 * which both directions go on over TLS (this side is the TLS server).
 *
 * Sink: the bystander's sockets connect here. It sends each a stream (which the bystander
 * checks) and must never receive a byte: the bystander sends none.
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  decodeHello,
  describeBytes,
  Direction,
  encodeRecord,
  HELLO_BYTES,
  Pattern,
  type RecordVerdict,
  RecordType,
  SINK_STREAM_BASE,
  StreamChecker,
} from './chaos-stream.js';

export interface PeerFailure {
  category: string;
  detail: string;
  streamId?: number;
  /** The unexpected bytes, hex. */
  bytes?: string;
}

export interface PeerStream {
  streamId: number;
  slot: number;
  checker: StreamChecker;
  downPosition: number;
  tls: 'plain' | 'switching' | 'secure' | 'failed';
  ended: boolean;
  reported: boolean;
  /** Why this side ended the connection first, if it did (the client then legitimately sees an end). */
  closedByPeer: string | undefined;
}

/**
 * The downstream is paced (PUMP_CHUNK every PUMP_MS, 400 KiB/s a stream) rather than pumped
 * as fast as the kernel takes it: loopback buffers grow to megabytes, and a Go record
 * behind megabytes would keep STARTTLS waiting for seconds.
 */
const PUMP_CHUNK = 8 * 1024;
const PUMP_MS = 20;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

export class ChaosPeer {
  readonly streams = new Map<number, PeerStream>();
  readonly failures: PeerFailure[] = [];
  readonly tlsErrors: string[] = [];
  connections = 0;
  withoutHello = 0;
  private readonly open = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => this.serve(socket));

  constructor(private readonly secureContext: tls.SecureContext) {}

  listen(): Promise<number> {
    return listen(this.server);
  }

  /** Bytes of upstream checked, over every stream. */
  get checkedBytes(): number {
    let sum = 0;
    for (const stream of this.streams.values()) sum += stream.checker.checked;
    return sum;
  }

  /** Waits (up to `ms`) for every connection to end, then ends those left. */
  async settle(ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const left = this.open.size;
    for (const socket of this.open) socket.destroy();
    return left;
  }

  close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.connections++;
    this.open.add(socket);
    socket.setNoDelay(true);
    let hello = Buffer.alloc(0);
    let stream: PeerStream | undefined;
    let out: net.Socket | tls.TLSSocket = socket;
    let pumping = false;
    let waitingDrain = false;
    let pattern: Pattern | undefined;
    let pacer: NodeJS.Timeout | undefined;

    const report = (): void => {
      if (stream === undefined || stream.reported || stream.checker.corruption === undefined) return;
      stream.reported = true;
      const { position, reason, bytes } = stream.checker.corruption;
      this.failures.push({
        category: 'corrupt-upstream',
        detail: `stream ${stream.streamId} (slot ${stream.slot}, ${stream.tls}) at position ${position}: ${reason}`,
        streamId: stream.streamId,
        ...(bytes === undefined ? {} : { bytes: bytes.toString('hex') }),
      });
    };

    const pump = (): void => {
      if (!pumping || waitingDrain || stream === undefined || !out.writable) return;
      const chunk = pattern!.bytes(stream.downPosition, PUMP_CHUNK);
      stream.downPosition += PUMP_CHUNK;
      if (!out.write(chunk)) {
        waitingDrain = true;
        out.once('drain', () => (waitingDrain = false));
      }
    };

    const upstreamRecord = (type: number, a: number, b: number, position: number): RecordVerdict => {
      if (type === RecordType.Resync) {
        if (a > position) return { refuse: `a Resync record says the sender had counts for ${a} bytes, but ${position} arrived before it` };
        if (position > b) return { refuse: `${position} bytes arrived before a Resync record that resumes at ${b}: more than was sent` };
        return { jumpTo: b };
      }
      if (type === RecordType.StartTls) {
        if (stream!.tls !== 'plain') return { refuse: 'a STARTTLS record on a stream that had one' };
        if (a !== position) return { refuse: `a STARTTLS record says position ${a}, but ${position} bytes came before it` };
        stream!.tls = 'switching';
        return { stop: true };
      }
      return { refuse: `a record of unknown type ${type}` };
    };

    const upgrade = (leftover: Buffer): void => {
      // Everything pumped so far goes first, then the Go record, then TLS from this side.
      socket.off('data', onPlain);
      socket.pause();
      pumping = false;
      socket.write(encodeRecord(RecordType.Go, stream!.downPosition), () => {
        if (leftover.length > 0) socket.unshift(leftover);
        const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: this.secureContext });
        stream!.checker.resume();
        secure.on('secure', () => {
          stream!.tls = 'secure';
          out = secure;
          waitingDrain = false;
          pumping = true;
        });
        secure.on('data', (chunk: Buffer) => {
          stream!.checker.push(chunk);
          report();
        });
        secure.on('end', () => ended());
        secure.on('error', (error: Error & { syscall?: string }) => {
          // A client that gave up (its STARTTLS failed, it was closed or killed, its engine
          // died: a reset) ends the connection so; whether that was legitimate is the client
          // side's to say. A TLS error on a secured stream means bytes came that are not TLS.
          if (stream!.tls === 'secure' && error.syscall === undefined) {
            this.failures.push({ category: 'corrupt-upstream', detail: `stream ${stream!.streamId} (slot ${stream!.slot}, secure): its TLS layer failed: ${error.message}` });
          } else if (stream!.tls !== 'secure') stream!.tls = 'failed';
          this.tlsErrors.push(error.message);
          stream!.closedByPeer ??= `the TLS layer failed: ${error.message}`;
          secure.destroy();
        });
      });
    };

    const ended = (): void => {
      if (stream !== undefined && !stream.ended) {
        stream.ended = true;
        stream.checker.end();
        report();
      }
      pumping = false;
      clearInterval(pacer);
      out.end();
    };

    const onPlain = (chunk: Buffer): void => {
      if (stream === undefined) {
        hello = Buffer.concat([hello, chunk]);
        if (hello.length < HELLO_BYTES) return;
        const decoded = decodeHello(hello);
        if (decoded === undefined || this.streams.has(decoded.streamId)) {
          // Kept open and ignored, not closed: a close would reach the stream's receiver as
          // an end it could not tell from a false one.
          this.failures.push({
            category: 'corrupt-upstream',
            detail: decoded === undefined ? `a connection began with ${describeBytes(hello)}, not a hello` : `stream ${decoded.streamId} said hello on a second connection`,
            bytes: hello.subarray(0, 48).toString('hex'),
          });
          socket.off('data', onPlain);
          socket.on('data', () => {});
          return;
        }
        stream = { ...decoded, checker: new StreamChecker(decoded.streamId, Direction.Up, upstreamRecord), downPosition: 0, tls: 'plain', ended: false, reported: false, closedByPeer: undefined };
        this.streams.set(decoded.streamId, stream);
        pattern = new Pattern(decoded.streamId, Direction.Down);
        chunk = hello.subarray(HELLO_BYTES);
        pumping = true;
        pacer = setInterval(pump, PUMP_MS);
        pump();
      }
      const rest = stream.checker.push(chunk);
      report();
      if (stream.tls === 'switching' && socket.listenerCount('data') > 0) upgrade(rest);
    };

    socket.on('data', onPlain);
    socket.on('end', () => {
      if (stream?.tls === 'plain' || stream?.tls === undefined) ended();
    });
    socket.on('error', () => {}); // a reset: the engine died, or a socket was aborted
    socket.on('close', () => {
      clearInterval(pacer);
      this.open.delete(socket);
      if (stream === undefined) this.withoutHello++;
      else if (!stream.ended) {
        stream.ended = true;
        stream.checker.end();
        report();
      }
    });
  }
}

export class Sink {
  readonly failures: PeerFailure[] = [];
  connections = 0;
  misdirectedBytes = 0;
  private readonly open = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => this.serve(socket));

  listen(): Promise<number> {
    return listen(this.server);
  }

  close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.connections++;
    this.open.add(socket);
    const port = socket.remotePort!;
    const pattern = new Pattern(SINK_STREAM_BASE + port, Direction.Down);
    let position = 0;
    const timer = setInterval(() => {
      if (!socket.writable) return;
      socket.write(pattern.bytes(position, 1024));
      position += 1024;
    }, 50);
    socket.on('data', (chunk: Buffer) => {
      if (this.misdirectedBytes === 0 || this.failures.length < 20) {
        this.failures.push({
          category: 'misdirected-sink',
          detail: `${chunk.length} bytes came from a bystander's socket (port ${port}), which sends nothing: ${describeBytes(chunk)}`,
          bytes: chunk.subarray(0, 48).toString('hex'),
        });
      }
      this.misdirectedBytes += chunk.length;
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      this.open.delete(socket);
    });
  }
}
