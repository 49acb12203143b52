/**
 * serve()'s log (docs/operating.md): every line the server writes (a handler that
 * threw, a failed TLS handshake, a thread or process that died, a certificate near its
 * expiry) is a record with a level and an event, limited at the source: per event, a few
 * lines per 10 s window and then one summary (repeat-limiter.ts), whatever the sink. The
 * sinks: stderr as text (the default), stderr as one JSON object per line (`log: 'json'`),
 * or a function of the user's, which gets the text line. `logLevel` drops the levels below
 * it before anything is counted.
 */
import { RepeatLimiter } from '../diagnostics/repeat-limiter.js';

/** A log record's severity; serve()'s `logLevel` is the least severe written. */
export type LogLevel = 'error' | 'warn' | 'info';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2 };

/** One record of serve()'s log, as `log: 'json'` writes it (with a `time`). */
export interface LogRecord {
  /** Its severity. */
  level: LogLevel;
  /** What happened, for filters: 'handler-failed', 'tls-handshake-failed', 'suppressed', ... ('message' for a plain line). */
  event: string;
  /** The text line (without the error's stack). */
  message: string;
  /** The client, 'address:port'. */
  peer?: string;
  /** The connection's socket number. */
  socket?: number;
  /** An error code of the library (negative), when one is the cause. */
  code?: number;
  /** A handler's error: its name, message and stack. */
  error?: {
    /** The error's name ('Error', 'TypeError', ...; for a thrown non-Error, its type). */
    name: string;
    /** Its message. */
    message: string;
    /** Its stack, when it has one. */
    stack?: string | undefined;
  };
}

/** What the loops and the supervisor hand to a log: a record, or a plain text line. */
export type LogEntry = string | LogRecord;

/** serve()'s `log` option: a function taking each text line, 'json' or 'text' (stderr). */
export type LogOption = ((message: string) => void) | 'json' | 'text';

/** Marks a log function that takes the records themselves (a serving process passes them to its supervisor). */
export const TAKES_RECORDS = Symbol.for('tcp-commands.log-takes-records');
export type RecordSink = ((entry: LogEntry) => void) & { [TAKES_RECORDS]: true };

export function recordSink(write: (entry: LogEntry) => void): RecordSink {
  return Object.assign(write, { [TAKES_RECORDS]: true as const });
}

/** A handler's error as a record's `error` (anything thrown, not only Errors). */
export function errorOf(thrown: unknown): NonNullable<LogRecord['error']> {
  if (thrown instanceof Error) return { name: thrown.name, message: thrown.message, stack: thrown.stack };
  return { name: typeof thrown, message: String(thrown) };
}

export function toRecord(entry: LogEntry): LogRecord {
  return typeof entry === 'string' ? { level: 'error', event: 'message', message: entry } : entry;
}

/** The text line of a record, as the library always wrote it: the message, then the error's stack. */
export function recordText(record: LogRecord): string {
  if (record.error === undefined) return record.message;
  return `${record.message}: ${record.error.stack ?? record.error.message}`;
}

export function jsonLine(record: LogRecord): string {
  return JSON.stringify({ time: new Date().toISOString(), ...record });
}

/** The kind a plain line is limited by: its first two colon-separated parts ("serve: TLS handshake failed"). */
function kindOf(record: LogRecord): string {
  if (record.event !== 'message') return `"${record.event}" lines`;
  return `"${record.message.split(':').slice(0, 2).join(':')}" lines`;
}

/**
 * The log serve() writes to: level filter, then the limiter, then the sink. A sink that
 * takes records (a serving process's) gets them unlimited: its supervisor's log limits them.
 */
export function createLogger(log: LogOption | RecordSink | undefined, level: LogLevel = 'info'): (entry: LogEntry) => void {
  if (!(level in RANK)) throw new RangeError(`serve: logLevel must be 'error', 'warn' or 'info'`);
  const threshold = RANK[level];
  if (typeof log === 'function' && (log as Partial<RecordSink>)[TAKES_RECORDS] === true) {
    return (entry) => {
      if (RANK[toRecord(entry).level] <= threshold) (log as RecordSink)(entry);
    };
  }
  let sink: (record: LogRecord) => void;
  if (log === 'json') sink = (record) => process.stderr.write(`${jsonLine(record)}\n`);
  else if (log === undefined || log === 'text') sink = (record) => process.stderr.write(`${recordText(record)}\n`);
  else if (typeof log === 'function') sink = (record) => (log as (message: string) => void)(recordText(record));
  else throw new TypeError(`serve: log must be a function, 'json' or 'text'`);
  // The limiter writes synchronously from line(): a written line is the record in hand,
  // anything else it writes is the summary of a window, at the level of the lines it counts
  // (a summary of suppressed errors is an error: logLevel 'error' shows it).
  let current: LogRecord | undefined;
  const levels = new Map<string, LogLevel>();
  const limiter = new RepeatLimiter((line) => {
    if (current !== undefined) {
      const record = current;
      current = undefined;
      sink(record);
      return;
    }
    const kind = [...levels.keys()].find((name) => line.includes(` more ${name} in the last `));
    sink({ level: kind === undefined ? 'warn' : levels.get(kind)!, event: 'suppressed', message: `serve: ${line}` });
  });
  return (entry) => {
    const record = toRecord(entry);
    if (RANK[record.level] > threshold) return;
    const kind = kindOf(record);
    levels.set(kind, record.level);
    current = record;
    limiter.line(kind, '');
    current = undefined; // counted, not written
  };
}
