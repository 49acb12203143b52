/**
 * Property-based fuzzing of the commands (fast-check): random sequences of commands with
 * random, often wrong, arguments. Used by test/fuzz.test.ts on the main thread and by a
 * worker thread at the same time.
 *
 * The property: every call returns a value of its documented kind (a number that is a
 * count/socket/0 or a code of the error table; a string where the command returns one),
 * nothing throws, and the sockets a run opened can all be closed afterwards.
 */
import fc from 'fast-check';
import * as tcp from '../../src/index.js';
import { isErrorCode } from '../../src/errors.js';

export interface FuzzContext {
  /** A live echo server to connect to. */
  echoPort: number;
  /** Sockets this run created (it closes them at the end). */
  opened: number[];
}

type Step = { name: string; run: (context: FuzzContext) => unknown; kind: 'number' | 'string|number' | 'array|number' };

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(NaN),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(''),
  fc.constant({}),
  fc.constant([]),
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.string({ maxLength: 8 }),
);

/** A socket argument: one this run made (often), a nearby number (another thread's?), or junk. */
const socketArg = fc.oneof(
  { weight: 8, arbitrary: fc.nat({ max: 20 }).map((i) => ({ mine: i })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => ({ number: n })) },
  { weight: 1, arbitrary: junk.map((value) => ({ junk: value })) },
);

type SocketArg = { mine: number } | { number: number } | { junk: unknown };

function resolve(arg: SocketArg, context: FuzzContext): unknown {
  if ('mine' in arg) return context.opened.length === 0 ? 0 : context.opened[arg.mine % context.opened.length];
  return 'number' in arg ? arg.number : arg.junk;
}

const payload = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 4096 }),
  fc.constant({ value: 'held text' }),
  junk,
);

const receiveTarget = fc.oneof(
  fc.nat({ max: 4096 }).map((n) => new Uint8Array(n)),
  fc.constant('text').map(() => ({ value: '' })),
  fc.constant('bytes').map(() => ({ value: new Uint8Array(0) })),
  junk,
);

// Not 'timeout': the run's sockets keep a short one, so that no blocking call blocks long.
const optionName = fc.constantFrom(
  'nodelay', 'keepalive', 'keepalivedelay', 'sndbuf', 'rcvbuf', 'family', 'reuseaddr',
  'address', 'backlog', 'secure', 'queued', 'connecttimeout', 'no-such-option', 'NODELAY', 'encoding',
);
const optionValue = fc.oneof(
  fc.integer({ min: -5, max: 70_000 }),
  fc.constantFrom('infinite', '127.0.0.1', 'x', 'utf-8', 'latin1', 'utf-16le'),
  fc.boolean(),
  junk,
);

const l = (f: unknown): ((...a: unknown[]) => unknown) => f as (...a: unknown[]) => unknown;

/** An echo exchange on one of the run's sockets: the data path under random neighbours. */
const exchange = fc.record({ s: socketArg, text: fc.string({ minLength: 1, maxLength: 200 }) }).map(
  ({ s, text }): Step => ({
    name: 'TCPSend+TCPReceive',
    kind: 'number',
    run: (c) => {
      const socket = resolve(s, c);
      const sent = l(tcp.TCPSend)(socket, text);
      if (typeof sent !== 'number' || sent <= 0) return sent;
      return l(tcp.TCPReceive)(socket, { value: '' });
    },
  }),
);

/** Text that survives UTF-8 both ways (no lone surrogate), without the line delimiter. */
const lineText = fc
  .string({ unit: 'binary', maxLength: 40 })
  .map((text) => text.replace(/\n/g, ' '))
  .filter((text) => Buffer.from(text, 'utf8').toString('utf8') === text);

/**
 * Lines of random text (any code point, 1 to 4 bytes each) sent on a new socket, echoed,
 * and read back with a random mix of TCPReceiveUntil into a Character field and into bytes,
 * Character receives (with a random maxbytes) and TCPAvailable: the bytes handed out, in
 * order, are exactly those sent, and every Character value is the UTF-8 of what its count
 * consumed. (Checked only on a socket numbered above 400, which the other thread's random
 * socket numbers never reach: one of them may read this socket's bytes too.)
 */
const lineExchange = fc
  .record({
    lines: fc.array(lineText, { minLength: 1, maxLength: 8 }),
    reads: fc.array(fc.constantFrom('line', 'bytes-line', 'text', 'available'), { minLength: 1, maxLength: 16 }),
    max: fc.constantFrom(undefined, 4, 7, 64),
  })
  .map(
    ({ lines, reads, max }): Step => ({
      name: `lines exchange (${reads.join(',')}, maxbytes ${String(max)})`,
      kind: 'number',
      run: (c) => {
        const s = tcp.TCPConnect('127.0.0.1', c.echoPort);
        if (s < 0) return s;
        c.opened.push(s);
        tcp.TCPSetOption(s, 'timeout', 2_000); // bytes that were sent: an echo on loopback, never lost
        tcp.TCPSetOption(s, 'encoding', 'utf-8'); // (a random step may have set socket 0's default to another)
        const sent = Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
        const n = tcp.TCPSend(s, sent.toString('utf8'));
        if (n !== sent.length) return n < 0 ? n : NaN;
        const got: Buffer[] = [];
        let total = 0;
        for (let i = 0; total < sent.length; i++) {
          if (i > sent.length) throw new Error(`${i} reads for ${sent.length} bytes: ${total} came back`);
          const kind = reads[i % reads.length]!;
          let count: number;
          if (kind === 'available') {
            // The engine takes the read-ahead in, then a line read follows (so the loop moves on).
            count = tcp.TCPAvailable(s);
            if (count < 0) return count;
          }
          if (kind === 'bytes-line' || kind === 'available') {
            const buffer = new Uint8Array(256); // room for a whole line: a cut one would cut a character
            count = tcp.TCPReceiveUntil(s, buffer, '\n');
            if (count > 0) got.push(Buffer.from(buffer.subarray(0, count)));
          } else {
            const field = { value: '' };
            count = kind === 'line' ? tcp.TCPReceiveUntil(s, field, '\n', max) : max === undefined ? tcp.TCPReceive(s, field) : tcp.TCPReceive(s, field, max);
            const bytes = Buffer.from(field.value, 'utf8');
            if (count > 0 && bytes.length !== count && s > 400) throw new Error(`${kind}: ${count} bytes consumed, a value of ${bytes.length}`);
            got.push(bytes);
          }
          if (count <= 0) return count;
          total += count;
        }
        tcp.TCPSetOption(s, 'timeout', 30); // as every socket of the run, for the random steps that follow
        if (s > 400 && !Buffer.concat(got).equals(sent)) {
          throw new Error(`lines came back changed: sent ${sent.toString('hex')}, got ${Buffer.concat(got).toString('hex')}`);
        }
        return total;
      },
    }),
  );

/** One random command with its arguments. */
export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: exchange },
  { weight: 2, arbitrary: lineExchange },
  fc.record({
    s: socketArg,
    target: receiveTarget,
    delimiter: fc.oneof(fc.constantFrom('\n', '\r\n', '€'), fc.constant(new Uint8Array([10])), junk),
    max: fc.oneof(fc.constant(undefined), fc.constantFrom(1, 3, 64), junk),
  }).map(
    ({ s, target, delimiter, max }): Step => ({
      name: 'TCPReceiveUntil',
      kind: 'number',
      run: (c) => (max === undefined ? l(tcp.TCPReceiveUntil)(resolve(s, c), target, delimiter) : l(tcp.TCPReceiveUntil)(resolve(s, c), target, delimiter, max)),
    }),
  ),
  fc.record({
    port: fc.oneof({ weight: 6, arbitrary: fc.constant('echo-port') }, fc.constant(1), fc.constant(0), fc.constant(70_000), junk),
    host: fc.oneof({ weight: 6, arbitrary: fc.constant('127.0.0.1') }, fc.constantFrom('::1', 'localhost', '', 'no-such-host.invalid')),
  }).map(
    ({ port, host }): Step => ({
      name: `TCPConnect(${host}, ${String(port)})`,
      kind: 'number',
      run: (c) => {
        const s = l(tcp.TCPConnect)(host, port === 'echo-port' ? c.echoPort : port);
        if (typeof s === 'number' && s > 0) {
          c.opened.push(s);
          tcp.TCPSetOption(s, 'timeout', 30); // no receive in the run may block for long
        }
        return s;
      },
    }),
  ),
  fc.constant<Step>({
    name: 'TCPSocket()',
    kind: 'number',
    run: (c) => {
      const s = tcp.TCPSocket();
      if (s > 0) {
        c.opened.push(s);
        tcp.TCPSetOption(s, 'timeout', 30);
        tcp.TCPSetOption(s, 'address', '127.0.0.1');
      }
      return s;
    },
  }),
  fc.record({ s: socketArg, port: fc.oneof(fc.constant(0), fc.constant('echo'), fc.constant(70_000), junk) }).map(({ s, port }): Step => ({ name: 'TCPBind', kind: 'number', run: (c) => l(tcp.TCPBind)(resolve(s, c), port) })),
  socketArg.map((s): Step => ({ name: 'TCPListen', kind: 'number', run: (c) => l(tcp.TCPListen)(resolve(s, c)) })),
  socketArg.map((s): Step => ({
    name: 'TCPAccept',
    kind: 'number',
    run: (c) => {
      const a = l(tcp.TCPAccept)(resolve(s, c));
      if (typeof a === 'number' && a > 0) c.opened.push(a);
      return a;
    },
  })),
  fc.record({ s: socketArg, data: payload }).map(({ s, data }): Step => ({ name: 'TCPSend', kind: 'number', run: (c) => l(tcp.TCPSend)(resolve(s, c), data) })),
  fc.record({ s: socketArg, target: receiveTarget, max: fc.oneof(fc.constant(undefined), junk) }).map(
    ({ s, target, max }): Step => ({ name: 'TCPReceive', kind: 'number', run: (c) => (max === undefined ? l(tcp.TCPReceive)(resolve(s, c), target) : l(tcp.TCPReceive)(resolve(s, c), target, max)) }),
  ),
  fc.record({ s: socketArg, target: receiveTarget, count: fc.oneof(fc.constantFrom(1, 4, 64, 5000), junk) }).map(
    ({ s, target, count }): Step => ({ name: 'TCPReceiveFull', kind: 'number', run: (c) => l(tcp.TCPReceiveFull)(resolve(s, c), target, count) }),
  ),
  fc.record({ s: socketArg, option: fc.oneof(fc.constantFrom(0, 1, 2), junk) }).map(({ s, option }): Step => ({ name: 'TCPClose', kind: 'number', run: (c) => l(tcp.TCPClose)(resolve(s, c), option) })),
  fc.record({ s: socketArg, option: fc.oneof(fc.boolean(), fc.constantFrom(0, 1), junk) }).map(({ s, option }): Step => ({ name: 'TCPBlock', kind: 'number', run: (c) => l(tcp.TCPBlock)(resolve(s, c), option) })),
  fc.record({ s: socketArg, name: optionName, value: optionValue }).map(({ s, name, value }): Step => ({ name: `TCPSetOption ${name}`, kind: 'number', run: (c) => l(tcp.TCPSetOption)(resolve(s, c), name, value) })),
  fc.record({ s: socketArg, name: optionName }).map(({ s, name }): Step => ({ name: `TCPGetOption ${name}`, kind: 'string|number', run: (c) => l(tcp.TCPGetOption)(resolve(s, c), name) })),
  socketArg.map((s): Step => ({ name: 'TCPGetMyAddr', kind: 'string|number', run: (c) => l(tcp.TCPGetMyAddr)(resolve(s, c)) })),
  socketArg.map((s): Step => ({ name: 'TCPGetRemoteAddr', kind: 'string|number', run: (c) => l(tcp.TCPGetRemoteAddr)(resolve(s, c)) })),
  socketArg.map((s): Step => ({ name: 'TCPGetMyPort', kind: 'number', run: (c) => l(tcp.TCPGetMyPort)(resolve(s, c)) })),
  socketArg.map((s): Step => ({ name: 'TCPGetRemotePort', kind: 'number', run: (c) => l(tcp.TCPGetRemotePort)(resolve(s, c)) })),
  socketArg.map((s): Step => ({ name: 'TCPAvailable', kind: 'number', run: (c) => l(tcp.TCPAvailable)(resolve(s, c)) })),
  fc.record({ s: socketArg, timeout: fc.oneof(fc.constantFrom(0, 5, 20, -1, 1.5, NaN), fc.constantFrom('x', null, {})) }).map(
    ({ s, timeout }): Step => ({ name: 'TCPWait', kind: 'number', run: (c) => l(tcp.TCPWait)(resolve(s, c), timeout) }),
  ),
  fc.record({ s: socketArg, format: fc.constantFrom('>i', 'b', '2z', 'q', '3', 'y', ''), values: fc.oneof(fc.constant([1]), fc.constant(['a', 'b']), junk) }).map(
    ({ s, format, values }): Step => ({ name: `TCPSendData ${format}`, kind: 'number', run: (c) => l(tcp.TCPSendData)(resolve(s, c), format, values) }),
  ),
  fc.record({ s: socketArg, format: fc.constantFrom('>i', 'b', '4r', 'y') }).map(({ s, format }): Step => ({ name: `TCPReceiveData ${format}`, kind: 'array|number', run: (c) => l(tcp.TCPReceiveData)(resolve(s, c), format) })),
  fc.oneof(junk, fc.constantFrom('localhost', '127.0.0.1')).map((host): Step => ({ name: 'TCPName2Addr', kind: 'string|number', run: () => l(tcp.TCPName2Addr)(host) })),
  junk.map((code): Step => ({ name: 'TCPErrorText', kind: 'string|number', run: () => l(tcp.TCPErrorText)(code) })),
);

/** Whether a result is of the documented kind. */
export function documented(kind: Step['kind'], result: unknown): boolean {
  const isCode = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && (n >= 0 || isErrorCode(n));
  if (kind === 'number') return isCode(result);
  if (kind === 'string|number') return typeof result === 'string' || isCode(result);
  return Array.isArray(result) || isCode(result);
}

/** Runs one sequence; returns the first step that broke the property, or undefined. */
export function runSequence(steps: Step[], echoPort: number): string | undefined {
  const context: FuzzContext = { echoPort, opened: [] };
  try {
    for (const step of steps) {
      let result: unknown;
      try {
        result = step.run(context);
      } catch (error) {
        return `${step.name} threw ${String(error)}`;
      }
      if (!documented(step.kind, result)) return `${step.name} returned ${String(result)}`;
    }
    return undefined;
  } finally {
    for (const s of context.opened) tcp.TCPClose(s, 2);
  }
}

/** Runs `runs` random sequences; throws (with fast-check's report) when one breaks the property. */
export function fuzz(echoPort: number, runs: number, seed?: number): void {
  fc.assert(
    fc.property(fc.array(stepArbitrary, { minLength: 5, maxLength: 40 }), (steps) => {
      const broken = runSequence(steps, echoPort);
      if (broken !== undefined) throw new Error(broken);
    }),
    { numRuns: runs, includeErrorInReport: true, ...(seed === undefined ? {} : { seed }) },
  );
}
