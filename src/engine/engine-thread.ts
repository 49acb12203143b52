/**
 * The socket engine thread's entry: owns every socket of the process and serves the
 * requests of all caller threads. Started by workers/engine.mjs (from dist/, or through tsx).
 *
 * Its event loop waits on the registry's doorbell (request-ring.ts), so a caller needs
 * no MessagePort: any thread holding the registry can post requests. Slots are
 * announced on a BroadcastChannel, which also keeps this thread alive (a pending
 * waitAsync does not); the Worker object itself is unref'd by its starter.
 */
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import { debugEvent } from '../diagnostics/debug-log.js';
import { describeError } from '../describe-error.js';
import { ErrorCode } from '../errors.js';
import { clearDirectTable, retireDirectTable } from '../direct-table.js';
import {
  EngineState,
  HEARTBEAT_INTERVAL_MS,
  Reg,
  registrationChannelName,
  Slot,
} from '../protocol.js';
import { CallerThreads } from './caller-threads.js';
import { countThreadsWith, dispatch } from './dispatch.js';
import { Engine } from './engine-sockets.js';
import { RequestRing } from './request-ring.js';
import { takeHandBacks } from './request-server.js';
import { serveBetweenDatagrams } from './datagram-socket.js';
import { EngineSlot } from './slot.js';

interface EngineWorkerData {
  registry: SharedArrayBuffer;
  generation: number;
}

interface SlotAnnouncement {
  id: number;
  sab: SharedArrayBuffer;
  threadId: number;
  /** The thread's lifeline (channel/lifeline.ts); absent for the main thread (and where a thread cannot listen). */
  lifeline?: string;
}

const { registry: registryBuffer, generation } = workerData as EngineWorkerData;
const registry = new Int32Array(registryBuffer);
const engine = new Engine(registry, generation);
// A slot's Registered word: this generation once it is taken on, or the refusal's code
// (negative; generations start at 1), which the announcing thread's command returns.
const slots = new CallerThreads(
  (slot) => engine.forgetSlot(slot),
  (slot, refusal) => {
    Atomics.store(slot.header, Slot.Registered, refusal === 0 ? generation : refusal);
    Atomics.notify(slot.header, Slot.Registered);
  },
);
countThreadsWith(() => ({ slots: slots.size, lifelinesLost: slots.lifelinesLost }));

const announcements = new BroadcastChannel(registrationChannelName(registry));
announcements.onmessage = (event: unknown) => {
  const { id, sab, threadId: owner, lifeline } = (event as { data: SlotAnnouncement }).data;
  const slot = new EngineSlot(id, owner, sab);
  slots.add(slot, lifeline); // answered now, or once the thread's lifeline is reached
};

const ring = new RequestRing(registry, (id) => slots.get(id), (slot) => dispatch(slot, engine), takeHandBacks);
serveBetweenDatagrams(ring.serveWaiting, ring.expectRequest);

function superseded(): boolean {
  return (
    Atomics.load(registry, Reg.Generation) !== generation ||
    Atomics.load(registry, Reg.State) === EngineState.Dead
  );
}

/** Stops this engine: every waiting caller is answered -10050 now, not at its next check. */
function die(why: string): never {
  debugEvent('engine stops', `socket engine (generation ${generation}) stops: ${why}`);
  if (Atomics.load(registry, Reg.Generation) === generation) {
    Atomics.store(registry, Reg.State, EngineState.Dead);
  }
  for (const slot of slots.values()) slot.reply(ErrorCode.EngineDown);
  // Our descriptors close with this thread: no direct call may be inside one then. (Not
  // when a newer engine runs: the table is its now.)
  if (Atomics.load(registry, Reg.Generation) === generation) retireDirectTable(registry, 1_000);
  process.exit(1);
}

process.on('uncaughtException', (error) => {
  // The callers learn of it as -10050; the reason is for whoever asked (NODE_DEBUG=tcp-commands).
  die(`failed: ${describeError(error)}`);
});

setInterval(() => {
  if (superseded()) die('superseded (declared dead by a caller: it was silent too long)');
  Atomics.add(registry, Reg.Heartbeat, 1);
}, HEARTBEAT_INTERVAL_MS).unref();

clearDirectTable(registry); // nothing of a previous engine's sockets is direct
Atomics.store(registry, Reg.State, EngineState.Ready);
Atomics.notify(registry, Reg.State);
ring.serve();
debugEvent('engine starts', `socket engine (generation ${generation}) ready on thread ${threadId}`);
