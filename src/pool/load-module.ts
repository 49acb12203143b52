/**
 * Loading a user's script or handler module on a pool thread, light: plain JavaScript is
 * imported as it is; TypeScript goes through tsx, registered in this thread on first need
 * (tsx costs a thread ~0.2 s of start and ~30 MB: docs/ARCHITECTURE.md, "Threads"). Not
 * through Node's own type stripping (22.18+, 24), though it is lighter: it does not map the `./x.js` imports that
 * TypeScript's NodeNext resolution has users write onto `./x.ts` (seen in CI on Node 22:
 * every TypeScript handler importing a sibling failed to load), nor take enums.
 *
 * A module that cannot load is reported with its own message and where it failed: a
 * JavaScript syntax error from import() carries no location (Node 20), so the file is
 * checked with `node --check` to find it (only on that failure path).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;

let tsxRegistered: Promise<void> | undefined;

function registerTsx(): Promise<void> {
  tsxRegistered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return tsxRegistered;
}

/**
 * Each module's namespace, loaded once per thread. Not just import()'s own cache: with
 * tsx's loader hooks, every import() of even a loaded module asks the hooks thread to
 * resolve it again, which costs a cross-thread round trip per task.
 */
const namespaces = new Map<string, Promise<Record<string, unknown>>>();

export function loadModule(module: string): Promise<Record<string, unknown>> {
  const url = module.startsWith('file:') ? module : pathToFileURL(module).href;
  let loaded = namespaces.get(url);
  if (loaded === undefined) {
    loaded = importModule(url);
    namespaces.set(url, loaded);
  }
  return loaded;
}

async function importModule(url: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(new URL(url).pathname)) await registerTsx();
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw moduleError(url, error);
  }
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
