/**
 * The options of a connection (nodelay, keep-alive, the socket's time-out, buffer
 * sizes, encoding): held by a connection, and by a listener (or a socket from TCPSocket)
 * for the connections it accepts, which start with them. Which options these are and
 * their defaults come from the option table (src/option-table.ts, its `connection` rows).
 */
import { CONNECTION_OPTIONS, type ConnectionField, OptionKind, type OptionSpec } from '../option-table.js';

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

// Every field has its row in the table and every `connection` row its field (a mismatch does not compile).
type Missing = Exclude<keyof ConnectionOptions, ConnectionField> | Exclude<ConnectionField, keyof ConnectionOptions>;
const everyFieldHasItsRow: [Missing] extends [never] ? true : Missing = true;
void everyFieldHasItsRow;

/** A connection option's value as it travels (a flag as 0/1) into its field. */
export function setConnectionOption(options: ConnectionOptions, option: OptionSpec, value: number): void {
  const field = option.connection!.field;
  if (option.kind === OptionKind.Flag) (options[field] as boolean) = value !== 0;
  else (options[field] as number) = value;
}

/** A connection option's value as it travels (a flag as 0/1). */
export function connectionOption(options: ConnectionOptions, option: OptionSpec): number {
  const value = options[option.connection!.field];
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

export function defaultConnectionOptions(): ConnectionOptions {
  const options = {} as ConnectionOptions;
  for (const option of CONNECTION_OPTIONS) setConnectionOption(options, option, option.connection!.initial);
  return options;
}
