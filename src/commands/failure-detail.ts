/**
 * A failed command's detail, in words: a code says *what* kind of mistake (-501 wrong
 * type), the detail says *where* and *what was wanted*: "parameter 2 (buffer): expected
 * a Uint8Array ...; got a string ('text')". Computed only when a command fails, so a
 * command that succeeds pays nothing for it.
 */
import { ErrorCode } from '../errors.js';
import { parametersOf } from './parameters.js';
import { threadState } from './thread-state.js';
import type { Signature } from './command.js';

/** Says what the failing command got wrong; report() hands it on. */
export function noteDetail(detail: string): void {
  threadState.pendingDetail = detail;
}

/** A value as a detail names it: its kind, and a short look at it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `a number that is not finite (${value})`;
  if (typeof value === 'boolean') return `${value}`;
  if (typeof value === 'bigint') return `a bigint (${value}n)`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    // (A DataView over a detached buffer throws on byteLength: a bad value must not throw here.)
    try {
      return `a ${value.constructor.name} of ${value.byteLength} bytes`;
    } catch {
      return `a ${value.constructor.name} over a detached buffer`;
    }
  }
  if (value instanceof ArrayBuffer) return 'an ArrayBuffer (give a Uint8Array over it)';
  if (typeof value !== 'object') return typeof value;
  try {
    return 'value' in value ? `a holder whose value is ${describeValue((value as { value: unknown }).value)}` : 'an object without a value property';
  } catch {
    return 'an object that throws when read';
  }
}

function argumentAt(index: number, a0: unknown, a1: unknown, a2: unknown, a3: unknown): unknown {
  return index === 0 ? a0 : index === 1 ? a1 : index === 2 ? a2 : a3;
}

/** What checkArguments refused, in words; '' when it cannot tell (a rule over several arguments). */
export function argumentDetail(signature: Signature<unknown, unknown, unknown, unknown>, count: number, a0: unknown, a1: unknown, a2: unknown, a3: unknown): string {
  const parameters = parametersOf(signature.name);
  if (count < signature.min || count > signature.max) {
    const wanted = signature.min === signature.max ? `${signature.min}` : `${signature.min} to ${signature.max}`;
    const names = parameters === undefined ? '' : ` (${parameters.map(([name], i) => (i < signature.min ? name : `${name}?`)).join(', ')})`;
    return `expected ${wanted} parameter${signature.max === 1 ? '' : 's'}${names}; got ${count}`;
  }
  for (const [index, rule] of signature.rules) {
    const value = argumentAt(index, a0, a1, a2, a3);
    if (rule(value) === 0) continue;
    const parameter = parameters?.[index];
    const where = parameter === undefined ? `parameter ${index + 1}` : `parameter ${index + 1} (${parameter[0]})`;
    return parameter === undefined ? `${where}: got ${describeValue(value)}` : `${where}: expected ${parameter[1]}; got ${describeValue(value)}`;
  }
  return '';
}

/** The detail a -1021 carries when nothing more particular was noted: the TLS reason, trust store folder included. */
export function takeDetail(code: number): string {
  const detail = threadState.pendingDetail;
  if (detail !== '') {
    threadState.pendingDetail = '';
    return detail;
  }
  return code === ErrorCode.TlsError ? threadState.secureError : '';
}
