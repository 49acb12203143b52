/**
 * This thread's link to the process's socket engine: find it (a handle passed in
 * workerData), or start it (first command of a thread without one), and restart it when
 * it died, if this thread is the one that started it.
 *
 * The handle is nothing but the registry SharedArrayBuffer, so it can be cloned into any
 * number of worker threads (piscina's workerData included): no MessagePort to transfer.
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { randomInt } from 'node:crypto';
import { EngineState, Reg, REGISTRY_BYTES } from '../protocol.js';
import { closeDirectTable, retireDirectTable } from '../direct-table.js';
import { descriptorsLeft } from './descriptor-room.js';
import { parkUntil } from './park.js';
import { initRing } from './request-ring-writer.js';
import { ErrorCode } from '../errors.js';
import { publishEngineEvent } from '../diagnostics/channels.js';
import { packageFile } from '../package-files.js';
import { type BootstrapData, ENGINE_BOOTSTRAP_SOURCE } from './engine-bootstrap.js';

/** The key under which a worker's `workerData` carries the engine handle. */
export const ENGINE_HANDLE_KEY = 'tcpCommandsEngine';

/** What engineHandle() returns: the engine's shared memory, to spread into a worker's workerData. */
export interface EngineHandle {
  /** The engine's registry, shared memory. */
  readonly [ENGINE_HANDLE_KEY]: SharedArrayBuffer;
}

/** How long a first command waits for a new engine thread to come up. */
const START_DEADLINE_MS = 10_000;
/** How long a thread that did not start the engine waits for its restart. */
const RESTART_WAIT_MS = 2_000;
/**
 * Descriptors a new engine needs to come up (a worker thread's event loop takes 4, its
 * modules and first sockets a few more). Without them it cannot start, and the thread
 * waiting for it would learn so only at START_DEADLINE_MS: it is asked first instead.
 */
const DESCRIPTORS_TO_START = 16;
/** An engine that dies younger than this is not restarted eagerly (no crash loops). */
const EAGER_RESTART_MIN_AGE_MS = 1_000;

const engineEntry = packageFile('workers/engine.mjs');

let registry: Int32Array | undefined;
/** Set when this thread started the engine: only the starter can restart it. */
let ownEngine: { worker: Worker; generation: number; startedAt: number } | undefined;
let isOwner = false;

function handleFromWorkerData(): SharedArrayBuffer | undefined {
  if (typeof workerData !== 'object' || workerData === null) return undefined;
  const candidate = (workerData as Record<string, unknown>)[ENGINE_HANDLE_KEY];
  return candidate instanceof SharedArrayBuffer && candidate.byteLength === REGISTRY_BYTES
    ? candidate
    : undefined;
}

/**
 * Uses an engine started by another thread, so that this thread's commands share its
 * socket numbers. A worker whose workerData carries the handle attaches by itself; call
 * this when the handle came another way.
 * @param handle - what engineHandle() returned on the other thread (or its SharedArrayBuffer)
 * @returns true when attached (or already attached to that engine); false, changing nothing, when the handle is not one or this thread already uses another engine
 */
export function attachEngine(handle: EngineHandle | SharedArrayBuffer): boolean {
  const sab = handle instanceof SharedArrayBuffer ? handle : handle?.[ENGINE_HANDLE_KEY];
  if (!(sab instanceof SharedArrayBuffer) || sab.byteLength !== REGISTRY_BYTES) return false;
  if (registry !== undefined) return registry.buffer === sab;
  registry = new Int32Array(sab);
  return true;
}

/** The registry of this thread's engine, attaching to a handed-down one or creating one. */
export function currentRegistry(): Int32Array {
  if (registry !== undefined) return registry;
  const inherited = handleFromWorkerData();
  if (inherited !== undefined) {
    registry = new Int32Array(inherited);
    return registry;
  }
  registry = new Int32Array(new SharedArrayBuffer(REGISTRY_BYTES));
  Atomics.store(registry, Reg.ChannelId, randomInt(1, 2 ** 31 - 1));
  Atomics.store(registry, Reg.NextSocket, 1);
  Atomics.store(registry, Reg.NextSlot, 1);
  Atomics.store(registry, Reg.State, EngineState.Failed);
  initRing(registry);
  isOwner = true;
  return registry;
}

/**
 * The handle to give a worker thread (spread into its workerData) so that its commands
 * share this process's engine and socket numbers. Starts the engine if needed. It is plain
 * shared memory: it can be cloned into any number of workers.
 * @returns `{ tcpCommandsEngine: SharedArrayBuffer }`
 */
export function engineHandle(): EngineHandle {
  const reg = currentRegistry();
  ensureEngine();
  return { [ENGINE_HANDLE_KEY]: reg.buffer as SharedArrayBuffer };
}

/**
 * At process exit, how long the engine may take to hand what it was given to the kernel
 * (whose buffers outlive the process): TCP_COMMANDS_EXIT_TIMEOUT, ms or 'infinite', 30 s
 * by default. A peer that reads slowly gets everything within it; one that never reads
 * cannot hold the exit for longer. What is left then is reported on stderr, never dropped
 * silently (docs/reliability.md).
 */
export const DEFAULT_EXIT_TIMEOUT_MS = 30_000;

export function exitTimeoutMs(): number {
  const setting = process.env.TCP_COMMANDS_EXIT_TIMEOUT;
  if (setting === undefined || setting === '') return DEFAULT_EXIT_TIMEOUT_MS;
  if (setting.toLowerCase() === 'infinite') return -1;
  return /^\d+$/.test(setting) && Number(setting) <= 0x7fffffff ? Number(setting) : DEFAULT_EXIT_TIMEOUT_MS;
}
let flushAtExit: (() => void) | undefined;

/** Registers the exit-time flush (ops/flush.ts) once, on the thread that started the engine. */
export function onExitFlush(flushEngine: () => void): void {
  if (flushAtExit !== undefined || !isOwner || !isMainThread) return;
  flushAtExit = flushEngine;
  process.once('exit', flushAtExit);
}


function spawnEngine(reg: Int32Array): void {
  // A previous engine declared dead may still run (stuck in a loop, say): stop it, once
  // no direct call is inside a system call on one of its descriptors (they close with it).
  if (ownEngine !== undefined) retireDirectTable(reg, 1_000);
  void ownEngine?.worker.terminate();
  const generation = Atomics.add(reg, Reg.Generation, 1) + 1;
  Atomics.store(reg, Reg.State, EngineState.Starting);
  const worker = new Worker(ENGINE_BOOTSTRAP_SOURCE, {
    eval: true,
    workerData: { registry: reg.buffer as SharedArrayBuffer, generation, engineEntry: engineEntry.href } satisfies BootstrapData,
    // No inherited loader flags (--import tsx): the engine is plain JS and starts ~5x faster.
    execArgv: process.env.TCP_COMMANDS_ENGINE_FLAGS?.split(' ').filter(Boolean) ?? [],
    stdout: false,
    stderr: false,
  });
  // The engine must never keep the process alive: when the user's code is done, the
  // process exits and the OS closes the engine's sockets.
  worker.unref();
  ownEngine = { worker, generation, startedAt: Date.now() };
  publishEngineEvent({ event: 'start', generation });
  const markDead = (): void => {
    Atomics.compareExchange(reg, Reg.State, EngineState.Ready, EngineState.Dead);
    Atomics.compareExchange(reg, Reg.State, EngineState.Starting, EngineState.Failed);
  };
  worker.on('error', () => {
    // The engine reports its own errors; this listener keeps an engine crash from
    // becoming an uncaught 'error' event in this thread.
  });
  worker.on('exit', (exitCode) => {
    publishEngineEvent({ event: 'exit', generation, exitCode });
    if (Atomics.load(reg, Reg.Generation) !== generation) return;
    // Its descriptors are closed already (however it ended): no direct call may start on
    // them, whatever its age. (One already past its checks is stopped by its descriptor check.)
    closeDirectTable(reg);
    markDead();
    const age = Date.now() - (ownEngine?.startedAt ?? 0);
    // Other threads may be waiting for a restart; this thread's event loop is free, so
    // bring a new engine up now rather than at this thread's next command.
    if (ownEngine?.generation === generation && age >= EAGER_RESTART_MIN_AGE_MS) spawnEngine(reg);
  });
}

/**
 * Makes sure the engine is running: 0, or -10050 when it is down and cannot be brought
 * up (or, in a thread that did not start it, is not back within RESTART_WAIT_MS), or
 * -10024 when the process has no descriptors left to start one.
 */
export function ensureEngine(): number {
  const reg = currentRegistry();
  const state = Atomics.load(reg, Reg.State);
  if (state === EngineState.Ready) return 0;
  if (isOwner && (state === EngineState.Dead || state === EngineState.Failed)) {
    // Out of descriptors, no engine can start: a code now, and a new try at the next command.
    if (!descriptorsLeft(DESCRIPTORS_TO_START)) return ErrorCode.TooManySockets;
    spawnEngine(reg);
  }
  const deadline = isOwner ? START_DEADLINE_MS : RESTART_WAIT_MS;
  // Descriptors that run out while it starts stop it as surely: asked between wait slices.
  let starved = false;
  const ready = parkUntil(reg, Reg.State, (s) => s === EngineState.Ready || s === EngineState.Failed, deadline, () => {
    starved = !descriptorsLeft(1);
    return !starved;
  });
  if (ready && Atomics.load(reg, Reg.State) === EngineState.Ready) return 0;
  return starved ? ErrorCode.TooManySockets : ErrorCode.EngineDown;
}

/**
 * Stops the engine this thread started the way its starter stops a stuck one: no direct call
 * is inside a system call on its descriptors (the table retired first), then terminated.
 */
export async function retireAndTerminateOwnEngine(): Promise<void> {
  if (ownEngine === undefined || registry === undefined) return;
  retireDirectTable(registry, 1_000);
  await ownEngine.worker.terminate();
}

/** For tests of engine faults: the engine Worker this thread started, if any. */
export function ownEngineWorker(): Worker | undefined {
  return ownEngine?.worker;
}
