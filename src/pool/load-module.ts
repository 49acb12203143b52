/**
 * Loading a user's script or handler module on a pool thread, light: plain JavaScript is
 * imported as it is. TypeScript, where Node strips types itself (22.18+, 23.6+, 24), is
 * loaded by Node (native-typescript.ts: with TypeScript's `./x.js` -> `./x.ts` mapping),
 * and through tsx only when Node cannot load it: an enum, a namespace, a parameter
 * property, a .ts file under node_modules, .tsx, an import only tsx resolves. tsx costs a
 * thread ~30 MB and 0.2-0.5 s of start; type stripping (Node's swc, in WebAssembly, loaded
 * per thread) about half of that (docs/serve.md, "Threads are light"). On a Node
 * without type stripping (20), or with TCP_COMMANDS_TSX=1, all TypeScript goes through
 * tsx, registered in this thread on first need.
 *
 * A module that cannot load is reported with its own message and where it failed: a
 * JavaScript syntax error from import() carries no location (Node 20), so the file is
 * checked with `node --check` to find it (only on that failure path).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importNatively, nativeTypeScript, STRIPPABLE } from './native-typescript.js';

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;

/** How a module was loaded in this thread: as JavaScript, by Node's type stripping, or through tsx. */
export type Loader = 'javascript' | 'node' | 'tsx';

/**
 * How this thread loaded its modules, also under a global symbol: dist/ is bundled, so a
 * test or measuring script on the thread cannot import this module's own instance.
 */
interface LoadingState {
  loaders: Map<string, Loader>;
  tsx: boolean;
}
const state: LoadingState = ((globalThis as { [key: symbol]: LoadingState | undefined })[
  Symbol.for('tcp-commands.module-loading')
] ??= { loaders: new Map(), tsx: false });
const loaders = state.loaders;

/** How `module` (a path or file: URL given to loadModule) was loaded in this thread, if it was. */
export function loaderOf(module: string): Loader | undefined {
  return loaders.get(moduleUrl(module));
}

/** Whether this thread has loaded tsx (or is loading it). */
export function tsxLoaded(): boolean {
  return state.tsx;
}

/** `TCP_COMMANDS_TSX=1`: every TypeScript module through tsx, as on a Node without type stripping. */
function tsxForced(): boolean {
  return process.env.TCP_COMMANDS_TSX === '1';
}

let tsxRegistered: Promise<void> | undefined;

/** tsx for every import of this thread (Node 20, or forced). */
function registerTsx(): Promise<void> {
  state.tsx = true;
  tsxRegistered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return tsxRegistered;
}

type ScopedImport = (specifier: string, parentURL: string) => Promise<unknown>;
let tsxScoped: Promise<ScopedImport> | undefined;

/**
 * tsx for the modules Node could not load, alone: a namespace gives every module of
 * their graphs a URL of its own (`?tsx-namespace=...`) and leaves the rest of the
 * thread's imports to Node. New URLs for the whole graph, not only its root: Node 22
 * keeps the failure of every module whose import failed under that module's URL (24
 * loads it again), so a retry that met a module between the root and the refused one
 * would fail again (checked on 22.23 and 24.22).
 */
function scopedTsx(): Promise<ScopedImport> {
  state.tsx = true;
  tsxScoped ??= import('tsx/esm/api').then(({ register }) => register({ namespace: 'tcp-commands' }).import);
  return tsxScoped;
}

/**
 * Each module's namespace, loaded once per thread. Not just import()'s own cache: with
 * tsx's loader hooks, every import() of even a loaded module asks the hooks thread to
 * resolve it again, which costs a cross-thread round trip per task.
 */
const namespaces = new Map<string, Promise<Record<string, unknown>>>();

export function loadModule(module: string): Promise<Record<string, unknown>> {
  const url = moduleUrl(module);
  let loaded = namespaces.get(url);
  if (loaded === undefined) {
    loaded = importModule(url);
    namespaces.set(url, loaded);
  }
  return loaded;
}

function moduleUrl(module: string): string {
  return module.startsWith('file:') ? module : pathToFileURL(module).href;
}

async function importModule(url: string): Promise<Record<string, unknown>> {
  const path = new URL(url).pathname;
  try {
    if (!TYPESCRIPT.test(path)) return loaded(url, 'javascript', await import(url));
    if (!nativeTypeScript || tsxForced()) {
      await registerTsx();
      return loaded(url, 'tsx', await import(url));
    }
    if (STRIPPABLE.test(path)) {
      const native = await importNatively(url);
      if (native.ok) return loaded(url, 'node', native.namespace);
      // Some module of its graph ran already: a retry would run it twice.
      if (native.evaluated) throw withTsxHint(native.error);
      // Nothing ran: tsx gets it (and reports its own error if it cannot load it either).
    }
    const tsxImport = await scopedTsx();
    return loaded(url, 'tsx', await tsxImport(url, url));
  } catch (error) {
    throw moduleError(url, error);
  }
}

function loaded(url: string, loader: Loader, namespace: unknown): Record<string, unknown> {
  loaders.set(url, loader);
  return namespace as Record<string, unknown>;
}

/** Failures of type stripping that tsx would not have had. */
const STRIPPING_ERRORS = new Set([
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
  'ERR_UNKNOWN_FILE_EXTENSION',
]);

/** A stripping failure after the module ran (a top-level `await import()`): say how to load it. */
function withTsxHint(error: unknown): unknown {
  if (error instanceof Error && STRIPPING_ERRORS.has((error as { code?: unknown }).code as string)) {
    error.message += ' (a module imported at run time, loaded by Node\'s type stripping; TCP_COMMANDS_TSX=1 loads TypeScript through tsx)';
  }
  return error;
}

/** The module's own error, as an Error whose message says what and where. */
function moduleError(url: string, error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`cannot load ${url}: ${String(error)}`);
  if (error instanceof SyntaxError && !TYPESCRIPT.test(url)) {
    const where = syntaxErrorLocation(url);
    if (where !== undefined) error.message = `${error.message}\n${where}`;
  }
  return error;
}

/** "file:line" and the offending line with its caret, from `node --check`. */
function syntaxErrorLocation(url: string): string | undefined {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return undefined;
  }
  const checked = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 10_000 });
  const lines = (checked.stderr ?? '').split('\n');
  const at = lines.findIndex((line) => /:\d+$/.test(line));
  if (at < 0) return undefined;
  return lines.slice(at, at + 3).join('\n');
}

/**
 * A task's failure as a plain Error that survives the trip to the pool's thread: some of
 * Node's own errors (ERR_MODULE_NOT_FOUND) arrive there as objects without a message.
 */
export function transferableError(thrown: unknown): Error {
  const error = asError(thrown);
  const plain = new Error(error.message);
  plain.name = error.name;
  if (error.stack !== undefined) plain.stack = error.stack;
  return plain;
}

/** A task's failure, as an Error with a message whatever was thrown (never "[object Object]"). */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'object' && thrown !== null) {
    const { message, name } = thrown as { message?: unknown; name?: unknown };
    if (typeof message === 'string') {
      const error = new Error(message);
      if (typeof name === 'string') error.name = name;
      return error;
    }
    try {
      return new Error(JSON.stringify(thrown));
    } catch {
      return new Error(Object.prototype.toString.call(thrown));
    }
  }
  return new Error(String(thrown));
}
