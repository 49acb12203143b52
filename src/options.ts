/**
 * The socket option table of TCPSetOption / TCPGetOption (HALCON-style generic
 * parameters), shared by the commands (which check names and values) and the engine
 * (which applies them). A new option is one row here plus its case in the engine's
 * src/engine/ops/options.ts.
 */
export const OptionKind = {
  /** A whole number within [min, max]. */
  Integer: 1,
  /** A string (carried in the data area). */
  Text: 2,
} as const;

export interface OptionSpec {
  readonly id: number;
  readonly kind: (typeof OptionKind)[keyof typeof OptionKind];
  readonly min?: number;
  readonly max?: number;
  /** What the README's option table says of it. */
  readonly doc: string;
}

export const OPTIONS = {
  address: {
    id: 1,
    kind: OptionKind.Text,
    doc: 'local address to bind (IP literal or host name); set before TCPBind. Default: all interfaces (dual-stack ::)',
  },
  backlog: {
    id: 2,
    kind: OptionKind.Integer,
    min: 1,
    max: 65535,
    doc: 'length of the queue of connections not yet accepted; set before TCPBind. Default 511',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export const OptionId = Object.fromEntries(
  Object.entries(OPTIONS).map(([name, spec]) => [name, spec.id]),
) as { readonly [K in OptionName]: (typeof OPTIONS)[K]['id'] };

/** The option of a name (case-insensitive), or undefined. */
export function optionNamed(name: string): OptionSpec | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(OPTIONS, key) ? OPTIONS[key as OptionName] : undefined;
}

/** GetOption replies carry this in ReplyArg when the value is text in the data area. */
export const TEXT_VALUE = 1;
