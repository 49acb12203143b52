/**
 * The one wrapper every command goes through. A command is declared once: its name, how
 * many arguments it takes, the rules its arguments must pass (in the order they are
 * checked, which decides the code when several are bad), and its core. `run` does the
 * rest alike for all: the count (-503), the rules (-501, -509, -10022, ...), this thread's
 * channel to the engine, and the report (diagnostics, then the error procedure).
 *
 * The exported command stays a plain function with its own signature and doc comment,
 * whose body is one line: `return run(DECLARATION, arguments.length, a, b, ...)`.
 *
 * TCPSend and TCPReceive come through here on every call, so nothing here allocates:
 * the declaration and its rules are made once, rules are functions of one value, and the
 * arguments travel as four positional values, never as an array or a closure.
 */
import { type Channel, openChannel } from '../channel/caller.js';
import { noteCommandStart } from '../diagnostics/channels.js';
import { ErrorCode } from '../errors.js';
import { argumentDetail, noteDetail } from './failure-detail.js';
import { report } from './report.js';
import { threadState } from './thread-state.js';
import { noteSecureError } from './secure-error.js';
import type { Rule } from './validate.js';

/** Which argument (0-based) a rule checks, and the rule. */
export type ArgumentRule = readonly [index: 0 | 1 | 2 | 3, rule: Rule];

/** What every command declares besides its core. */
export interface Signature<A0, A1, A2, A3> {
  /** As exported, for the error procedure and diagnostics: 'TCPReceive'. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Checked in this order; the first that fails gives the code. */
  readonly rules: readonly ArgumentRule[];
  /** A rule over several arguments (a value that depends on another), after `rules`. */
  readonly across?: (a0: A0, a1: A1, a2: A2, a3: A3) => number;
}

/** A command that talks to the engine: its core gets this thread's channel. */
export interface EngineCommand<A0, A1, A2, A3, R> extends Signature<A0, A1, A2, A3> {
  readonly core: (channel: Channel, a0: A0, a1: A1, a2: A2, a3: A3) => R;
}

/** A command answered on the calling thread alone (WebDevSetConfig, TCPPing, socket 0's options). */
export interface LocalCommand<A0, A1, A2, A3, R> extends Signature<A0, A1, A2, A3> {
  readonly local: (a0: A0, a1: A1, a2: A2, a3: A3) => R;
}

/**
 * Declares a command; TypeScript infers the argument types from the core. Every
 * declaration is rebuilt with the same properties in the same order, so the wrapper's
 * property reads see one object shape (V8 keeps them fast).
 */
export function command<A0 = unknown, A1 = unknown, A2 = unknown, A3 = unknown, R = number>(
  declaration: EngineCommand<A0, A1, A2, A3, R>,
): EngineCommand<A0, A1, A2, A3, R> {
  const { name, min, max, rules, across, core } = declaration;
  return { name, min, max, rules, across, core };
}

export function localCommand<A0 = unknown, A1 = unknown, A2 = unknown, A3 = unknown, R = number>(
  declaration: LocalCommand<A0, A1, A2, A3, R>,
): LocalCommand<A0, A1, A2, A3, R> {
  const { name, min, max, rules, across, local } = declaration;
  return { name, min, max, rules, across, local };
}

function argumentAt(index: number, a0: unknown, a1: unknown, a2: unknown, a3: unknown): unknown {
  return index === 0 ? a0 : index === 1 ? a1 : index === 2 ? a2 : a3;
}

/**
 * 0 when `count` arguments are allowed and every rule passes, else the first failure's
 * code. Also what the awaited forms (async/calls.ts) check, so both answer alike.
 */
export function checkArguments<A0, A1, A2, A3>(signature: Signature<A0, A1, A2, A3>, count: number, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): number {
  if (count < signature.min || count > signature.max) return ErrorCode.WrongCount;
  const rules = signature.rules;
  for (let i = 0; i < rules.length; i++) {
    const entry = rules[i]!; // not destructured: that may build an iterator per call
    const code = entry[1](argumentAt(entry[0], a0, a1, a2, a3));
    if (code !== 0) return code;
  }
  return signature.across === undefined ? 0 : signature.across(a0 as A0, a1 as A1, a2 as A2, a3 as A3);
}

/** The checks, then the core with this thread's channel; no report (for serve()'s loops, which judge failures themselves). */
export function execute<A0, A1, A2, A3, R>(declaration: EngineCommand<A0, A1, A2, A3, R>, count: number, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): R | number {
  const error = checkArguments(declaration, count, a0, a1, a2, a3);
  if (error !== 0) return error;
  return executeChecked(declaration, a0, a1, a2, a3);
}

/** The core with this thread's channel, the arguments checked already. */
function executeChecked<A0, A1, A2, A3, R>(declaration: EngineCommand<A0, A1, A2, A3, R>, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): R | number {
  const channel = openChannel(); // after the checks: bad input never starts the engine
  if (typeof channel === 'number') return channel;
  const result = declaration.core(channel, a0 as A0, a1 as A1, a2 as A2, a3 as A3);
  // A TLS failure of a receive or send (an alert after the handshake): keep its reason.
  if ((result as unknown) === ErrorCode.TlsError) noteSecureError(channel, ErrorCode.TlsError);
  return result;
}

/**
 * A command called by its user: its start noted for diagnostics, then checked and done,
 * then reported. Refused arguments are told in words (failure-detail.ts) before the report.
 */
export function run<A0, A1, A2, A3, R>(
  declaration: EngineCommand<A0, A1, A2, A3, R> | LocalCommand<A0, A1, A2, A3, R>,
  count: number, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown,
): R | number {
  noteCommandStart();
  threadState.pendingDetail = ''; // one left by a command that was not reported (serve()'s loops) is not this one's
  const error = checkArguments(declaration, count, a0, a1, a2, a3);
  if (error !== 0) {
    noteDetail(detailOrNothing(() => argumentDetail(declaration as Signature<unknown, unknown, unknown, unknown>, count, a0, a1, a2, a3)));
    return report(declaration.name, error);
  }
  if ('local' in declaration) return report(declaration.name, declaration.local(a0 as A0, a1 as A1, a2 as A2, a3 as A3));
  return report(declaration.name, executeChecked(declaration, a0, a1, a2, a3));
}

/** A detail in words, or '' if making it threw: a command answers its code, never throws, whatever it was given. */
function detailOrNothing(make: () => string): string {
  try {
    return make();
  } catch {
    return '';
  }
}
