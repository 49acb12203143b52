/**
 * A piscina pool of worker threads for procedural scripts and serve() handlers (whose
 * tasks, src/server/tasks.ts, come through runOn: the pool knows nothing of servers). Its
 * threads get the process's engine handle in their workerData, so their commands share
 * the socket numbers of the main thread and of each other. Sockets never live in a pool
 * thread (piscina parks idle threads in Atomics.wait, where timers and sockets freeze):
 * they live in the engine.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import type { Worker } from 'node:worker_threads';
import { engineHandle } from '../channel/engine-host.js';
import { asError } from './load-module.js';
import type { ScriptTask } from './task.js';
import { packageFile } from '../package-files.js';

/**
 * What a message can move to a thread rather than copy. Derived from postMessage, not
 * imported by name: @types/node 20 calls it TransferListItem, 26 has only Transferable,
 * and these declarations must compile against both (issue 29).
 */
export type TransferListItem = NonNullable<Parameters<Worker['postMessage']>[1]> extends ReadonlyArray<infer T> ? T : never;

/** createPool's options. */
export interface PoolOptions {
  /** Threads (default: the machine's cores, at least 2). All are started at once and kept warm. */
  threads?: number;
  /** Tasks waiting for a thread before run() refuses more (default: 16 per thread). */
  queue?: number;
  /** piscina's idleTimeout (default 60 s). The pool never shrinks below `threads` anyway. */
  idleTimeoutMs?: number;
}

/**
 * piscina, loaded when the first pool is made: every pool thread loads this library
 * (its handler imports 'tcp-commands'), and piscina costs a thread tens of ms of start.
 */
let piscinaClass: typeof Piscina | undefined;
function loadPiscina(): typeof Piscina {
  piscinaClass ??= (createRequire(import.meta.url)('piscina') as { Piscina: typeof Piscina }).Piscina;
  return piscinaClass;
}

const workerEntry = packageFile('workers/pool-worker.mjs');

/** A script path (relative to the working directory), file URL, or URL object, as a file URL. */
export function moduleUrl(script: string | URL): string {
  if (script instanceof URL) return script.href;
  if (script.startsWith('file:')) return script;
  return pathToFileURL(isAbsolute(script) ? script : resolve(script)).href;
}

/**
 * A piscina pool of worker threads for blocking scripts: their commands share this
 * process's engine and socket numbers. Made by createPool().
 */
export class Pool {
  /** The pool's threads, all started at once and kept warm. */
  readonly threads: number;
  /** Tasks that may wait for a thread before run() refuses more. */
  readonly queue: number;
  private readonly piscina: Piscina;

  /**
   * Starts the threads (createPool does the same).
   * @param options - threads, queue and idle time-out
   */
  constructor(options: PoolOptions = {}) {
    this.threads = Math.max(1, Math.floor(options.threads ?? Math.max(2, availableParallelism())));
    this.queue = Math.max(0, Math.floor(options.queue ?? this.threads * 16));
    const PiscinaPool = loadPiscina();
    this.piscina = new PiscinaPool({
      filename: workerEntry.href,
      minThreads: this.threads,
      maxThreads: this.threads,
      maxQueue: this.queue,
      // piscina's default of 0 destroys idle threads at once; a thread loads tsx in about
      // 200 ms, so threads are kept warm.
      idleTimeout: options.idleTimeoutMs ?? 60_000,
      workerData: engineHandle(),
      // Not this process's `--import tsx` (tests and tools run under it): a thread loads
      // tsx itself, only for a TypeScript module
      // (load-module.ts). Plain JavaScript threads start in tens of ms, not hundreds.
      execArgv: lightExecArgv(process.execArgv),
    });
  }

  /**
   * Runs a script module's default export with `args` on a pool thread. The arguments and
   * the result are structured-cloned; socket numbers pass as plain numbers.
   * @param script - the module: a path (relative to the working directory), a file URL or a URL object; JavaScript or TypeScript
   * @param args - the arguments of its default export
   * @returns a promise of what the export returned; it rejects with the script's error, or when the queue is full
   */
  run<T = unknown>(script: string | URL, ...args: unknown[]): Promise<T> {
    const task: ScriptTask = { kind: 'script', module: moduleUrl(script), args };
    return (this.piscina.run(task) as Promise<T>).catch((error: unknown) => {
      throw asError(error);
    });
  }

  /**
   * Runs a task through another thread entry than the scripts' (piscina loads each entry
   * once per thread): serve()'s checks and loops run this way.
   * @internal
   */
  runOn<T>(entry: URL, task: unknown, transferList?: TransferListItem[]): Promise<T> {
    return (this.piscina.run(task, { filename: entry.href, transferList }) as Promise<T>).catch((error: unknown) => {
      throw asError(error);
    });
  }

  /** Tasks waiting for a thread. */
  get queued(): number {
    return this.piscina.queueSize;
  }

  /**
   * Waits for running and queued tasks, then stops the threads.
   * @returns a promise resolved once the threads have stopped
   */
  async close(): Promise<void> {
    await this.piscina.close();
  }

  /**
   * Stops the threads now; tasks still running are abandoned.
   * @returns a promise resolved once the threads have stopped
   */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

/** Node flags for pool threads: the process's own, without the ones that load tsx. */
export function lightExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const takesValue = arg === '--import' || arg === '--loader' || arg === '--experimental-loader' || arg === '--require' || arg === '-r';
    const value = takesValue ? (execArgv[i + 1] ?? '') : arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '';
    const loadsTsx = /^tsx(?:\/|$)/.test(value) || /node_modules\/tsx\//.test(value);
    if (takesValue) i++;
    if (!loadsTsx) kept.push(...(takesValue ? [arg, value] : [arg]));
  }
  return kept;
}

/**
 * Makes a pool of worker threads for blocking scripts (`pool.run(script, ...args)`) and
 * for serve() (its `pool` option). The threads start at once and are kept warm.
 * @param options - `threads` (default: the machine's cores, at least 2), `queue` (default 16 per thread), `idleTimeoutMs`
 * @returns the pool; close it with `await pool.close()`
 */
export function createPool(options: PoolOptions = {}): Pool {
  return new Pool(options);
}
