/**
 * TypeScript modules loaded by Node's own type stripping (22.18+, 23.6+, 24), without tsx:
 * a thread that loads tsx pays ~30 MB and 0.2-0.5 s of start; Node's stripper (swc in
 * WebAssembly) about half of that. Two things make it usable for modules written for `tsc`:
 *
 * - The `./x.js` imports that TypeScript's NodeNext resolution has users write for
 *   `./x.ts`: Node looks for `x.js` only. A resolve hook retries such a relative specifier
 *   with TypeScript's own mapping (.js -> .ts, .mjs -> .mts, .cjs -> .cts) when it is
 *   imported from a TypeScript file and does not resolve as written.
 * - Knowing whether a failed import evaluated anything, so that the caller can retry a
 *   module Node cannot strip (an enum, a namespace, a parameter property, a .ts file under
 *   node_modules, .tsx) through tsx without running any module twice: see `importNatively`.
 *
 * The hook is registered with `module.registerHooks` (22.15+, 23.5+): synchronous and in
 * this thread, no hooks thread as `module.register` (and tsx) start.
 */
import * as nodeModule from 'node:module';

interface ResolveContext {
  parentURL?: string | undefined;
}
interface ResolveResult {
  url: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => ResolveResult;
type RegisterHooks = (hooks: {
  resolve: (specifier: string, context: ResolveContext, nextResolve: NextResolve) => ResolveResult;
}) => unknown;

/** `module.registerHooks`, where this Node has it (not in @types/node 20). */
const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;

/** Whether this Node strips types by default ('strip', or 'transform' with its flag; false or absent before). */
const stripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);

/** Whether TypeScript can be loaded natively in this thread. */
export const nativeTypeScript = stripsTypes && typeof registerHooks === 'function';

/** File names Node's type stripping takes (.tsx it never does). */
export const STRIPPABLE = /\.(?:ts|mts|cts)$/;

const TYPESCRIPT_EXTENSION: Record<string, string> = { js: 'ts', mjs: 'mts', cjs: 'cts' };
const RELATIVE_JS = /^(\.{1,2}\/.*)\.(js|mjs|cjs)$/;

function fromTypeScript(parentURL: string | undefined): boolean {
  if (parentURL === undefined || !parentURL.startsWith('file:')) return false;
  return STRIPPABLE.test(new URL(parentURL).pathname);
}

/** `./x.js` from a TypeScript file, when there is no x.js: `./x.ts`, as TypeScript maps it. */
function resolveTypeScriptSibling(specifier: string, context: ResolveContext, nextResolve: NextResolve): ResolveResult {
  try {
    return nextResolve(specifier, context);
  } catch (error) {
    const relative = RELATIVE_JS.exec(specifier);
    const notFound = (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND';
    if (!notFound || relative === null || !fromTypeScript(context.parentURL)) throw error;
    try {
      return nextResolve(`${relative[1]}.${TYPESCRIPT_EXTENSION[relative[2]!]}`, context);
    } catch {
      throw error; // the user wrote x.js: that is the name to report
    }
  }
}

let hookRegistered = false;

function registerResolveHook(): void {
  if (hookRegistered) return;
  registerHooks!({ resolve: resolveTypeScriptSibling });
  hookRegistered = true;
}

const EVALUATED = Symbol.for('tcp-commands.evaluated-natively');

function evaluatedUrls(): Set<string> {
  const global = globalThis as { [EVALUATED]?: Set<string> };
  return (global[EVALUATED] ??= new Set());
}

export type NativeImport =
  | { ok: true; namespace: Record<string, unknown> }
  /** `evaluated`: whether any module of the graph ran before the failure (then it must not be retried). */
  | { ok: false; error: unknown; evaluated: boolean };

/**
 * Imports `url` with Node's own type stripping. ESM loads and links a module's whole
 * static graph before it evaluates any of it, so most failures (a module Node cannot
 * strip, a file it cannot find, a syntax error) come before any user code ran, and a
 * retry through tsx is safe. Not all: a module's top-level `await import('./e.ts')` fails
 * after that module ran. To tell them apart, the module is imported through a wrapper
 * whose first import is a witness module: evaluation is depth-first in import order, so
 * the witness runs before any module of the graph, and only if the whole graph linked.
 * (On Node 22 a failed graph stays failed under its modules' URLs: a retry needs others.)
 */
export async function importNatively(url: string): Promise<NativeImport> {
  registerResolveHook();
  evaluatedUrls().delete(url);
  const witness = dataUrl(`globalThis[Symbol.for('tcp-commands.evaluated-natively')].add(${JSON.stringify(url)});`);
  const wrapper = `import ${JSON.stringify(witness)};\nimport * as namespace from ${JSON.stringify(url)};\nexport { namespace };`;
  try {
    const { namespace } = (await import(dataUrl(wrapper))) as {
      namespace: Record<string, unknown>;
    };
    return { ok: true, namespace };
  } catch (error) {
    return { ok: false, error, evaluated: evaluatedUrls().has(url) };
  }
}

function dataUrl(source: string): string {
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
